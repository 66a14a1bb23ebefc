"""edgeproxy's Python worker for Lambda@Edge handlers (functions/edge/python-runner.ts).

Started as: python3 -B runner.py CONFIG_JSON, where CONFIG_JSON holds codeFile, handler,
name, memoryMB and addressSpaceMB. One process serves one call at a time, for as long as the
parent keeps it.

Wire protocol: newline-delimited JSON. The parent writes one request per line on stdin,
{"id", "event", "requestId", "deadlineMs"}; the worker answers on the original stdout, one line
per request: {"id", "ok": true, "result"} or {"id", "ok": false, "kind", "message"} with kind
"exception" or "memory". Before the first request it sends one line: {"ready": true,
"python", "executable"}, or {"ready": false, "message"} when the handler cannot be loaded.
The handler's stdout goes to stderr (fd 1 and sys.stdout both), and its stdin is /dev/null,
so nothing it does can corrupt the protocol.
"""

import importlib.util
import json
import os
import re
import resource
import sys
import time
import traceback
import uuid

TRACEBACK_LINES = 8
MESSAGE_CHARS = 2000


class LambdaContext:
    """The `context` argument, with the fields AWS's Python runtime gives."""

    def __init__(self, config, request_id, deadline_ms, log_stream):
        name = config["name"]
        # Lambda@Edge runs replicas named after the home region, as the Node runtime says too.
        self.function_name = "us-east-1.%s" % name
        self.function_version = "1"
        self.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:%s:1" % name
        self.memory_limit_in_mb = config["memoryMB"]
        self.aws_request_id = request_id
        self.log_group_name = "/aws/lambda/us-east-1.%s" % name
        self.log_stream_name = log_stream
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def limit_memory(mb):
    """Caps the address space; allocations past it raise MemoryError."""
    try:
        size = mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    except (ValueError, OSError) as err:  # e.g. a hard limit already lower, or no RLIMIT_AS
        print("edgeproxy: cannot limit memory: %s" % err, file=sys.stderr)


def load_handler(code_file, handler_name):
    """Imports code_file once (its folder on sys.path) and returns the named function."""
    folder = os.path.dirname(code_file)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(code_file))[0]) or "handler"
    spec = importlib.util.spec_from_file_location(stem, code_file)
    if spec is None or spec.loader is None:
        raise ImportError("not a Python source file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[stem] = module
    spec.loader.exec_module(module)
    fn = getattr(module, handler_name, None)
    if fn is None:
        raise AttributeError("module has no attribute %r" % handler_name)
    if not callable(fn):
        raise TypeError("%r is not callable" % handler_name)
    return fn


def describe(err):
    """'Type: message', then the last traceback lines that are not this file's."""
    text = str(err)
    head = "%s: %s" % (type(err).__name__, text) if text else type(err).__name__
    frames = [
        f for f in traceback.extract_tb(err.__traceback__) if f.filename != os.path.abspath(__file__)
    ]
    lines = []
    for f in frames[-TRACEBACK_LINES:]:
        lines.append('  File "%s", line %s, in %s' % (os.path.basename(f.filename), f.lineno, f.name))
    if len(frames) > TRACEBACK_LINES:
        lines.insert(0, "  (%d earlier frames)" % (len(frames) - TRACEBACK_LINES))
    if lines:
        head += "\nTraceback (%d frames):\n" % len(frames) + "\n".join(lines)
    return head[:MESSAGE_CHARS]


def main():
    config = json.loads(sys.argv[1])
    # Protocol streams first: keep the real stdin/stdout for the parent, then point fd 0 at
    # /dev/null and fd 1 at stderr so the handler (and its children) cannot touch them.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr

    def send(message):
        proto_out.write(json.dumps(message, allow_nan=False).encode("ascii") + b"\n")
        proto_out.flush()

    limit_memory(config["addressSpaceMB"])
    code_file, handler_name = config["codeFile"], config["handler"]
    try:
        handler = load_handler(code_file, handler_name)
    except BaseException as err:  # SyntaxError, ImportError, SystemExit at import, …
        where = "cannot load handler %r from %s: " % (handler_name, code_file)
        send({"ready": False, "message": (where + describe(err))[:MESSAGE_CHARS]})
        return
    version = "%d.%d.%d" % sys.version_info[:3]
    send({"ready": True, "python": version, "executable": sys.executable or ""})

    log_stream = time.strftime("%Y/%m/%d", time.gmtime()) + "/[1]" + uuid.uuid4().hex
    while True:
        line = proto_in.readline()
        if not line:
            return  # the parent closed stdin: exit quietly
        request = json.loads(line)
        call_id = request["id"]
        context = LambdaContext(config, request["requestId"], request["deadlineMs"], log_stream)
        try:
            result = handler(request["event"], context)
            answer = json.dumps(
                {"id": call_id, "ok": True, "result": result}, allow_nan=False
            ).encode("ascii")
        except MemoryError as err:
            answer = None
            failure = {"id": call_id, "ok": False, "kind": "memory", "message": describe(err)}
        except Exception as err:
            answer = None
            failure = {"id": call_id, "ok": False, "kind": "exception", "message": describe(err)}
        sys.stderr.flush()  # the call's log lines go out before its answer
        if answer is None:
            send(failure)
        else:
            proto_out.write(answer + b"\n")
            proto_out.flush()


if __name__ == "__main__":
    main()
