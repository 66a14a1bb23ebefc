// Lambda@Edge, viewer-request with IncludeBody: a POST of
// `application/x-www-form-urlencoded` reaches the origin as `application/json` (each field
// once; repeated fields become arrays). A body cut at 40 KB (inputTruncated) is refused with
// 413 rather than forwarded half-converted; other requests pass unchanged.
// Config: LambdaFunctions: [{ Name: form-to-json, CodeFile: …/form-to-json.mjs, Runtime: nodejs20.x }]
// and LambdaFunctionAssociations: [{ EventType: viewer-request, LambdaFunctionARN: form-to-json, IncludeBody: true }].
export const handler = async (event) => {
  const request = event.Records[0].cf.request
  const type = request.headers['content-type']?.[0]?.value ?? ''
  if (request.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded'))
    return request
  if (request.body.inputTruncated) {
    return { status: '413', statusDescription: 'Payload Too Large', body: 'form too large\n' }
  }
  const form = new URLSearchParams(Buffer.from(request.body.data, 'base64').toString('utf8'))
  const json = {}
  for (const [key, value] of form) {
    const seen = json[key]
    json[key] = seen === undefined ? value : [].concat(seen, value)
  }
  request.body.action = 'replace'
  request.body.encoding = 'text'
  request.body.data = JSON.stringify(json)
  request.headers['content-type'] = [{ key: 'Content-Type', value: 'application/json' }]
  return request
}
