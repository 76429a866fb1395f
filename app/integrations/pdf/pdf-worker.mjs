// Worker thread of the PDF pool (pdf-pool.server.ts). A worker thread does not inherit the tsx
// hooks its parent registered, so it registers them itself before loading the TypeScript
// renderer. It renders its jobs one after the other, in the order they came, and answers
// { id, pdf } or { id, error }.
import { parentPort } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
// Loaded once, on the first job; a failure to load is reported to every job instead of
// crashing the thread.
const renderer = import('#app/integrations/pdf/invoice-pdf.server.ts')

let previous = Promise.resolve()
parentPort?.on('message', ({ id, data }) => {
  previous = previous.then(async () => {
    try {
      const { renderInvoicePdf } = await renderer
      const pdf = await renderInvoicePdf(data)
      parentPort?.postMessage({ id, pdf }, [pdf.buffer])
    } catch (error) {
      parentPort?.postMessage({ id, error })
    }
  })
})
