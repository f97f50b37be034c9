-- An admin GET (the path comes from the command line) with the admin token; prints p95 too, which wrk's
-- --latency table leaves out.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer bench-admin"
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.3f\n", latency:percentile(95) / 1000))
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("NON2XX %d\n", summary.errors.status))
end
