-- A small non-streaming chat completion to the shadow benchmark's provider.
wrk.method = "POST"
wrk.body = '{"model":"Shadow","messages":[{"role":"user","content":"Say hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
