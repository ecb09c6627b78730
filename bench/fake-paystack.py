#!/usr/bin/env python3
"""A Paystack stand-in for the stuck-payment benchmark: GET /transaction/verify/<reference> answers
like Paystack (a successful charge, amount in kobo) after LATENCY_MS, and at most RATE requests per
second overall (a token bucket); above it, 429 with Retry-After: 1, as Paystack's rate limit does.
Prints one line of counts when stopped. Usage: fake-paystack.py PORT [RATE] [LATENCY_MS]"""
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
RATE = float(sys.argv[2]) if len(sys.argv) > 2 else 50.0
LATENCY = (float(sys.argv[3]) if len(sys.argv) > 3 else 100.0) / 1000.0

lock = threading.Lock()
tokens = RATE
last = time.monotonic()
counts = {"ok": 0, "limited": 0, "first": None, "last": None}


def take():
    global tokens, last
    with lock:
        now = time.monotonic()
        tokens = min(RATE, tokens + (now - last) * RATE)
        last = now
        counts["first"] = counts["first"] or time.time()
        counts["last"] = time.time()
        if tokens >= 1:
            tokens -= 1
            counts["ok"] += 1
            return True
        counts["limited"] += 1
        return False


class Verify(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        allowed = take()
        time.sleep(LATENCY)
        ref = self.path.rsplit("/", 1)[-1]
        if not allowed:
            body = json.dumps({"status": False, "message": "Too many requests"}).encode()
            self.send_response(429)
            self.send_header("Retry-After", "1")
        else:
            body = json.dumps({"status": True, "message": "Verification successful", "data": {
                "id": abs(hash(ref)) % 10**9, "status": "success", "reference": ref, "amount": 500000,
                "currency": "NGN", "gateway_response": "Successful"}}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Verify)
server.daemon_threads = True


def stop(*_):
    span = (counts["last"] or 0) - (counts["first"] or 0)
    print(f"ok={counts['ok']} limited={counts['limited']} span_s={span:.1f}", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
server.serve_forever()
