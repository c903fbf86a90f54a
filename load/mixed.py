#!/usr/bin/env python3
"""Mixed load for a learngrid cluster behind nginx: reads and answer submissions with Idempotency-Keys.

  load/mixed.py --url http://127.0.0.1:28000 --out DIR [--duration 60] [--workers 16]
                [--students 40] [--read-ratio 0.7] [--stop-file FILE] [--max-answers N]

Setup (over HTTP, as a client would): the admin (LEARNGRID_ADMIN_EMAIL / LEARNGRID_ADMIN_PASSWORD,
default the dev ones) creates a teacher, the teacher a course and a 10-question assignment, and
STUDENTS students register, log in and enroll. Then WORKERS threads, each on its own keep-alive
connection, loop until DURATION seconds pass or STOP_FILE appears: with probability READ_RATIO a
read (the course, the assignment, or the student's progress), otherwise an answer with a fresh
Idempotency-Key. Nothing is retried by the client: every response is counted as it came. With
--max-answers, the workers also stop once N answers were acknowledged (those in flight then still
count, so a few more may be).

With --setup-only, only the setup runs and its ids and tokens go to OUT for load/mixed.lua (wrk),
which load/bench-scaling.sh uses: wrk measures far more requests per second per core than Python.

Writes to DIR: requests.tsv (one line per request: epoch ms at its end, kind, status, milliseconds
it took; status 0 = no HTTP response), acked.txt (eventId of every 202), summary.json (counts, req/s, latency percentiles).
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid


class Client:
    """One keep-alive connection. Like browsers, curl and Java's HttpClient, it sends a request
    again, once, on a new connection when a connection that already served requests turns out to be
    closed before any byte of the response came back (the server closed it while it was idle: nginx
    does so on a reload). Such requests never reached nginx; they are counted in `stale_retries`.
    Every other failure is the response: status 0 when no HTTP response came."""

    def __init__(self, url):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.conn = None
        self.served = 0
        self.stale_retries = 0

    def call(self, method, path, body=None, token=None, key=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if key:
            headers["Idempotency-Key"] = key
        data = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            reused, responded = self.conn is not None and self.served > 0, False
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                responded = True
                raw = response.read()
                self.served += 1
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, raw
            except (OSError, http.client.HTTPException) as e:
                self.close()
                stale = isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
                if attempt == 1 and reused and stale and not responded:
                    self.stale_retries += 1
                    continue
                return 0, b""

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.served = 0


def must(status_body, expected, what):
    status, body = status_body
    if status not in expected:
        sys.exit("mixed.py: setup step '%s' got %s: %s" % (what, status, body[:300]))
    return json.loads(body) if body else {}


def setup(url, students):
    c = Client(url)
    admin = must(c.call("POST", "/api/v1/auth/login", {
        "email": os.environ.get("LEARNGRID_ADMIN_EMAIL", "admin@learngrid.dev"),
        "password": os.environ.get("LEARNGRID_ADMIN_PASSWORD", "admin-password")}), [200], "admin login")["accessToken"]
    run = uuid.uuid4().hex[:10]
    teacher_email = "teacher-%s@load.learngrid" % run
    must(c.call("POST", "/api/v1/admin/users", {"email": teacher_email, "password": "load-password",
                                                "displayName": "Load teacher", "role": "teacher"}, admin), [201], "teacher")
    teacher = must(c.call("POST", "/api/v1/auth/login", {"email": teacher_email, "password": "load-password"}),
                   [200], "teacher login")["accessToken"]
    course = must(c.call("POST", "/api/v1/courses", {"title": "Load " + run, "subject": "load",
                                                     "description": "load/mixed.py"}, teacher), [201], "course")["id"]
    questions = [{"prompt": "%d + %d?" % (i, i), "kind": "number", "answer": 2 * i, "points": 1} for i in range(10)]
    assignment = must(c.call("POST", "/api/v1/courses/%s/assignments" % course,
                             {"title": "Sums", "questions": questions}, teacher), [201], "assignment")
    qs = [(q["id"], q["answer"]) for q in assignment["questions"]]
    tokens = []
    for i in range(students):
        email = "student-%s-%d@load.learngrid" % (run, i)
        user = must(c.call("POST", "/api/v1/auth/register", {"email": email, "password": "load-password",
                                                            "displayName": "Student %d" % i}), [201], "register")
        token = must(c.call("POST", "/api/v1/auth/login", {"email": email, "password": "load-password"}),
                     [200], "student login")["accessToken"]
        must(c.call("POST", "/api/v1/courses/%s/enrollments" % course, {"studentId": user["id"]}, token),
             [200, 201], "enroll")
        tokens.append(token)
    c.close()
    return course, assignment["id"], qs, tokens


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--read-ratio", type=float, default=0.7)
    p.add_argument("--stop-file")
    p.add_argument("--max-answers", type=int, default=0, help="stop once this many answers were acknowledged")
    p.add_argument("--setup-only", action="store_true",
                   help="only create the data; write it to OUT for load/mixed.lua (wrk)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    course, assignment, questions, tokens = setup(a.url, a.students)
    if a.setup_only:
        for name, lines in [("course.txt", [course]), ("assignment.txt", [assignment]), ("tokens.txt", tokens),
                            ("questions.tsv", ["%s\t%s" % q for q in questions])]:
            with open(os.path.join(a.out, name), "w") as f:
                f.write("\n".join(lines) + "\n")
        return
    print("mixed.py: setup done (course %s, %d students); load starts" % (course, len(tokens)), file=sys.stderr, flush=True)
    with open(os.path.join(a.out, "started"), "w") as f:
        f.write(str(int(time.time() * 1000)))

    lock = threading.Lock()
    records, acked, latencies = [], [], []
    stale = [0]
    acked_count = [0]
    deadline = time.time() + a.duration

    def work(n):
        rnd = random.Random(n)
        c = Client(a.url)
        mine, my_acked, my_lat = [], [], []
        while time.time() < deadline and not (a.stop_file and os.path.exists(a.stop_file)) \
                and not (a.max_answers and acked_count[0] >= a.max_answers):
            token = tokens[rnd.randrange(len(tokens))]
            t0 = time.time()
            if rnd.random() < a.read_ratio:
                kind, path = rnd.choice([("course", "/api/v1/courses/" + course),
                                         ("assignment", "/api/v1/assignments/" + assignment),
                                         ("progress", "/api/v1/me/progress")])
                status, body = c.call("GET", path, token=token)
            else:
                kind = "answer"
                qid, right = questions[rnd.randrange(len(questions))]
                status, body = c.call("POST", "/api/v1/assignments/%s/answers" % assignment,
                                      {"questionId": qid, "answer": right if rnd.random() < 0.6 else right + 1},
                                      token=token, key=str(uuid.uuid4()))
                if status == 202:
                    my_acked.append(json.loads(body)["eventId"])
                    with lock:
                        acked_count[0] += 1
            t1 = time.time()
            mine.append("%d\t%s\t%d\t%.1f" % (int(t1 * 1000), kind, status, (t1 - t0) * 1000))
            my_lat.append(t1 - t0)
        c.close()
        with lock:
            stale[0] += c.stale_retries
            records.extend(mine)
            acked.extend(my_acked)
            latencies.extend(my_lat)

    started = time.time()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    records.sort()
    with open(os.path.join(a.out, "requests.tsv"), "w") as f:
        f.write("\n".join(records) + "\n")
    with open(os.path.join(a.out, "acked.txt"), "w") as f:
        f.write("\n".join(acked) + ("\n" if acked else ""))
    by_status = {}
    for line in records:
        s = line.split("\t")[2]
        by_status[s] = by_status.get(s, 0) + 1
    latencies.sort()
    pct = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1) if latencies else None
    failed = sum(v for k, v in by_status.items() if not k.startswith("2"))
    summary = {"requests": len(records), "seconds": round(elapsed, 1), "rps": round(len(records) / elapsed, 1),
               "by_status": by_status, "failed": failed, "stale_keepalive_retries": stale[0], "acked_answers": len(acked),
               "p50_ms": pct(0.5), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "workers": a.workers}
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f)
    print("RESULT " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
