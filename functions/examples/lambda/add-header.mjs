// Lambda@Edge, origin-request: adds `x-added-by-lambda: 1` to the request the origin receives —
// the smallest useful handler; bench/bench-config.yaml measures its cost on a cache miss.
// Config: LambdaFunctions: [{ Name: add-header, CodeFile: …/add-header.mjs, Runtime: nodejs20.x }]
// and LambdaFunctionAssociations: [{ EventType: origin-request, LambdaFunctionARN: add-header }].
export const handler = async (event) => {
  const request = event.Records[0].cf.request
  request.headers['x-added-by-lambda'] = [{ key: 'X-Added-By-Lambda', value: '1' }]
  return request
}
