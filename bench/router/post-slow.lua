-- The same request to the provider whose upstream answers after 2 seconds.
wrk.method = "POST"
wrk.body = '{"model":"Slow","messages":[{"role":"user","content":"Say hello"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
