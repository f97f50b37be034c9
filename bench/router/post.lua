-- A small non-streaming chat completion; the model names the router's benchmark provider.
wrk.method = "POST"
wrk.body = '{"model":"Bench","messages":[{"role":"user","content":"Say hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
