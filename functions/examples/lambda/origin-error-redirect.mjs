// Lambda@Edge, origin-response: an origin 5xx becomes a 302 to /maintenance.html (kept 10 s
// in the cache, so a failing origin is not asked for every request); other responses pass.
// It runs before caching, for every origin status (spec §8.1).
// Config: LambdaFunctions: [{ Name: origin-error-redirect, CodeFile: …/origin-error-redirect.mjs, Runtime: nodejs20.x }]
// and LambdaFunctionAssociations: [{ EventType: origin-response, LambdaFunctionARN: origin-error-redirect }].
export const handler = async (event) => {
  const { request, response } = event.Records[0].cf
  if (Number(response.status) < 500 || request.uri === '/maintenance.html') return response
  return {
    status: '302',
    statusDescription: 'Found',
    headers: {
      location: [{ key: 'Location', value: '/maintenance.html' }],
      'cache-control': [{ key: 'Cache-Control', value: 'max-age=10' }],
    },
  }
}
