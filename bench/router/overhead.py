"""The router's own overhead over a stretch of a benchmark, from two scrapes of its Prometheus histogram
(switchboard_router_overhead_seconds, summed over providers and versions): the p50 and p99 of the requests served
between the scrapes, each as the upper bound of its histogram bucket, in milliseconds; and the bytes the router's
JVM allocated per request meanwhile (jvm_gc_memory_allocated_bytes_total, every thread's, counted as each
collection ends: run.sh takes each scrape just after one, so the difference is exact).
Usage: overhead.py BEFORE.txt AFTER.txt"""
import re
import sys

BUCKET = re.compile(r'^switchboard_router_overhead_seconds_bucket\{(.*)\} (\S+)$')


def buckets(path):
    counts = {}
    with open(path) as scrape:
        for line in scrape:
            match = BUCKET.match(line.strip())
            if match:
                le = re.search(r'le="([^"]+)"', match.group(1)).group(1)
                bound = float('inf') if le == '+Inf' else float(le)
                counts[bound] = counts.get(bound, 0) + float(match.group(2))
    return counts


def allocated(path):
    with open(path) as scrape:
        return sum(float(line.split()[-1]) for line in scrape if line.startswith('jvm_gc_memory_allocated_bytes_total'))


before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
cumulative = sorted((bound, after[bound] - before.get(bound, 0)) for bound in after)
total = cumulative[-1][1] if cumulative else 0


def quantile(q):
    for bound, count in cumulative:
        if total and count >= q * total:
            return '%.3f' % (bound * 1000) if bound != float('inf') else 'inf'
    return '-'


per_request = (allocated(sys.argv[2]) - allocated(sys.argv[1])) / total if total else 0
print('%s %s %d %.0f' % (quantile(0.5), quantile(0.99), total, per_request))
