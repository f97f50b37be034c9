"""Times the console's providers view in Debian's headless Chromium (through its chromedriver, W3C WebDriver over
HTTP): from the start of navigation to the moment every provider's panel shows its versions with their traffic,
measured by the page's own clock (performance.now()). The token is put in session storage first, as the login
form does. Usage: page.py ROUTER_URL DRIVER_PORT PROVIDERS RUNS"""
import json
import sys
import urllib.request

router, port, providers, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
driver = f"http://127.0.0.1:{port}"


def call(method, path, body=None):
    request = urllib.request.Request(driver + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=120).read())["value"]


options = {"binary": "/usr/bin/chromium",
           "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1440,1000"]}
session = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                                       "goog:chromeOptions": options}}})["sessionId"]
# Waits until every provider's panel is on the page with its versions, then answers the page's clock.
USABLE = """
const done = arguments[arguments.length - 1];
const want = arguments[0];
const check = () => {
  // The view renders from one answer: once every provider's panel has its five version rows, all is shown.
  const panels = document.querySelectorAll('[data-test=provider]').length;
  const rows = document.querySelectorAll('[data-test=version-row]').length;
  if (panels >= want && rows >= 5 * want) { done(performance.now()); return; }
  requestAnimationFrame(check);
};
check();
"""
try:
    call("POST", f"/session/{session}/timeouts", {"script": 60000})
    call("POST", f"/session/{session}/url", {"url": router + "/console"})
    call("POST", f"/session/{session}/execute/sync",
         {"script": "sessionStorage.setItem('switchboard.admin-token', 'bench-admin')", "args": []})
    times = []
    for run in range(runs + 1):
        call("POST", f"/session/{session}/url", {"url": router + "/console/providers"})
        usable = call("POST", f"/session/{session}/execute/async", {"script": USABLE, "args": [providers]})
        loaded, data = call("POST", f"/session/{session}/execute/sync", {
            "script": "const n = performance.getEntriesByType('navigation')[0];"
                      "const d = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/console/providers'));"
                      "return [n.domContentLoadedEventEnd, d ? d.responseEnd : -1];",
            "args": []})
        if run > 0:  # the first load fills the browser's cache, as an operator's first visit does
            times.append((usable, loaded, data))
    for usable, loaded, data in times:
        print(f"USABLE_MS {usable:.1f} DOM_MS {loaded:.1f} DATA_MS {data:.1f}")
finally:
    call("DELETE", f"/session/{session}")
