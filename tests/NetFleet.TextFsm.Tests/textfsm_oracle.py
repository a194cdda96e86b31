"""Runs Debian's python3-textfsm over cases read as JSON from stdin: [{"template": str, "output": str}].

Prints one JSON result per case: {"records": [...]} with lower-cased keys as ntc-templates
returns them, or {"error": "template" | "parse", "message": str}.
"""
import io
import json
import sys

import textfsm

results = []
for case in json.load(sys.stdin):
    try:
        fsm = textfsm.TextFSM(io.StringIO(case["template"]))
    except textfsm.TextFSMTemplateError as e:
        results.append({"error": "template", "message": str(e)})
        continue
    except Exception as e:  # re.error and friends escape textfsm as themselves
        results.append({"error": "template", "message": "%s: %s" % (type(e).__name__, e)})
        continue
    try:
        rows = fsm.ParseText(case["output"])
        header = [h.lower() for h in fsm.header]
        results.append({"records": [dict(zip(header, row)) for row in rows]})
    except textfsm.TextFSMError as e:
        results.append({"error": "parse", "message": str(e)})
    except Exception as e:
        results.append({"error": "crash", "message": "%s: %s" % (type(e).__name__, e)})
json.dump(results, sys.stdout)
