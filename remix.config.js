// Remix options, passed to the remix() Vite plugin by vite.config.ts.
/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  appDirectory: 'app',
  buildDirectory: 'build',
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    // Every route's entry comes in one cached file (build/client/assets/manifest-*.js) instead of a
    // partial manifest matched and inlined into each page: Coin has about ninety routes, and matching
    // them for each page was a twentieth of a page's server time (bench/README.md).
    v3_lazyRouteDiscovery: false,
    v3_routeConfig: false,
  },
}
