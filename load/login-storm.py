#!/usr/bin/env python3
"""The exam-start login storm: STUDENTS students (registered first, at a pace the node takes) all
log in within one burst, from CONCURRENCY connections at once.

  load/login-storm.py --url http://127.0.0.1:PORT --students 1000 [--concurrency 200] [--setup-only|--storm-only]

--setup-only registers student-N@storm.learngrid (N < STUDENTS, password storm-password) and exits;
--storm-only logs them all in as fast as the connections allow and prints one RESULT line (JSON):
logins per second, p50/p99 of a login, how many got 503 and whether each 503 carried Retry-After.
Nothing is retried: a 503 is counted as the client saw it.
"""
import argparse
import concurrent.futures
import http.client
import json
import sys
import threading
import time
import urllib.parse

PASSWORD = "storm-password"


def post(host, port, path, body):
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    except OSError:
        return 0, None
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--students", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=200)
    p.add_argument("--setup-only", action="store_true")
    p.add_argument("--storm-only", action="store_true")
    a = p.parse_args()
    url = urllib.parse.urlparse(a.url)
    host, port = url.hostname, url.port
    email = lambda n: "student-%d@storm.learngrid" % n

    if not a.storm_only:
        # Two at a time: registration hashes too, and the setup must not be a storm of its own.
        def register(n):
            for _ in range(20):
                status, retry = post(host, port, "/api/v1/auth/register",
                                     {"email": email(n), "password": PASSWORD, "displayName": "Student %d" % n})
                if status in (201, 409):
                    return
                time.sleep(float(retry or 1))
            sys.exit("login-storm.py: registering %s kept failing" % email(n))
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(register, range(a.students)))
        print("login-storm.py: %d students registered" % a.students, file=sys.stderr)
        if a.setup_only:
            return

    results = []
    lock = threading.Lock()
    go = threading.Event()

    def login(n):
        go.wait()
        t0 = time.time()
        status, retry = post(host, port, "/api/v1/auth/login", {"email": email(n), "password": PASSWORD})
        with lock:
            results.append((status, retry, time.time() - t0, time.time()))

    with concurrent.futures.ThreadPoolExecutor(a.concurrency) as pool:
        futures = [pool.submit(login, n) for n in range(a.students)]
        started = time.time()
        go.set()
        concurrent.futures.wait(futures)
    ended = max(r[3] for r in results)
    ok = sorted(r[2] for r in results if r[0] == 200)
    unavailable = [r for r in results if r[0] == 503]
    pct = lambda q: round(ok[min(len(ok) - 1, int(q * len(ok)))] * 1000, 1) if ok else None
    by_status = {}
    for r in results:
        by_status[str(r[0])] = by_status.get(str(r[0]), 0) + 1
    print("RESULT " + json.dumps({
        "students": a.students, "concurrency": a.concurrency, "seconds": round(ended - started, 2),
        "logins_per_second": round(len(ok) / (ended - started), 1), "by_status": by_status,
        "login_p50_ms": pct(0.5), "login_p99_ms": pct(0.99),
        "unavailable": len(unavailable), "unavailable_with_retry_after": sum(1 for r in unavailable if r[1])}))


if __name__ == "__main__":
    main()
