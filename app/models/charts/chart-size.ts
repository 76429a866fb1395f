/** The size of the overview's chart pictures, in pixels: the drawing and the page's <img> share it. */
export const CHART_WIDTH = 880
export const CHART_HEIGHT = 400
