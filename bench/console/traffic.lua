-- Client traffic spread over the benchmark's 50 providers, so every version has minute windows to show: each
-- connection waits 10 ms between calls (with 4 connections, a steady ~400 requests a second), a busy gateway
-- rather than one that leaves no core for anything else.
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
request = function()
  local body = string.format('{"model":"LLM/P%02d","messages":[{"role":"user","content":"Say hello"}]}', math.random(1, 50))
  return wrk.format(nil, nil, nil, body)
end
delay = function()
  return 10
end
