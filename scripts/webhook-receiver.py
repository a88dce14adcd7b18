#!/usr/bin/env python3
# Receives riskd's webhooks: checks each signature, drops stale and duplicate
# deliveries, prints the rest. Usage: RISKD_WEBHOOK_SECRET=... webhook-receiver.py [PORT]
import hashlib, hmac, http.server, json, os, sys, time

SECRET = os.environ["RISKD_WEBHOOK_SECRET"].encode()
seen = set()  # delivery ids handled: riskd delivers at least once (keep them in your database)


def verified(headers, body):
    """True when Riskd-Signature is HMAC-SHA256("<t>.<body>") with our secret, t < 5 min old."""
    try:
        fields = dict(part.split("=", 1) for part in headers["Riskd-Signature"].split(","))
        expected = hmac.new(SECRET, fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) < 300
    except (AttributeError, KeyError, TypeError, ValueError):
        return False


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not verified(self.headers, body):
            self.send_response(401)
        else:
            if self.headers["Riskd-Delivery"] not in seen:
                seen.add(self.headers["Riskd-Delivery"])
                event = json.loads(body)  # act on it here
                print(event["event"], event["user"]["id"], event["delivery_id"], flush=True)
            self.send_response(204)
        self.end_headers()


server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8099), Receiver)
print("listening on port", server.server_address[1], flush=True)
server.serve_forever()
