"""Drives learngrid's /v1 surface with the official openai SDK; prints one JSON object of what it saw.

Environment: LEARNGRID_BASE (the node), KEY (an API key), SMALL_KEY (a key with a tiny daily budget),
SIM (the simulator's base URL, to plan its faults), RUN (a run id that makes the prompts unique).
"""
import json
import os
import time
import urllib.request

import openai

base = os.environ["LEARNGRID_BASE"] + "/v1"
run = os.environ["RUN"]
model = "learngrid-sim"
out = {"sdkVersion": openai.__version__}
client = openai.OpenAI(base_url=base, api_key=os.environ["KEY"], max_retries=2)

plain = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "plain " + run}],
                                       max_tokens=50, temperature=0.2)
out["plain"] = plain.choices[0].message.content
out["plainModel"] = plain.model
out["plainFinish"] = plain.choices[0].finish_reason
out["plainTotal"] = plain.usage.total_tokens

raw = client.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": "raw " + run}])
out["overheadHeader"] = raw.headers.get("x-learngrid-overhead-ms")

text, usage, objects = "", None, set()
stream = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "streamed " + run}],
                                        stream=True, stream_options={"include_usage": True})
for chunk in stream:
    objects.add(chunk.object)
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage is not None:
        usage = chunk.usage.total_tokens
out["streamed"] = text
out["streamedUsage"] = usage
out["streamedObjects"] = sorted(objects)

out["models"] = [m.id for m in client.models.list()]

try:
    openai.OpenAI(base_url=base, api_key="lg_" + "x" * 43, max_retries=0).models.list()
    out["badKey"] = "no error"
except openai.AuthenticationError as e:
    out["badKey"] = type(e).__name__
    out["badKeyCode"] = e.code

small = openai.OpenAI(base_url=base, api_key=os.environ["SMALL_KEY"], max_retries=2)
small.chat.completions.create(model=model, messages=[{"role": "user", "content": "first of the small key " + run}])
started = time.monotonic()
try:
    small.chat.completions.create(model=model, messages=[{"role": "user", "content": "over budget " + run}])
    out["overBudget"] = "no error"
except openai.RateLimitError as e:
    out["overBudget"] = type(e).__name__
    out["overBudgetCode"] = e.code
    out["overBudgetSeconds"] = time.monotonic() - started

plan = urllib.request.Request(os.environ["SIM"] + "/sim/faults", data=json.dumps({"next": ["500"]}).encode(),
                              headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(plan).read()
retried = client.chat.completions.with_raw_response.create(
    model=model, messages=[{"role": "user", "content": "retried " + run}])
out["retried"] = retried.parse().choices[0].message.content
out["retries"] = retried.retries_taken

print(json.dumps(out))
