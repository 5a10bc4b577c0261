"""The wire format between the trusted grader and the sandboxed student process.

Both sides of the trust boundary import this module, and it imports nothing but the
standard library and NumPy. A message is one *frame*::

    uint32 big-endian  length of the JSON header
    JSON header        {"msg": <tree>, "blobs": [n0, n1, ...]}
    n0 + n1 + ... bytes of array data

The tree holds only JSON values; everything else is a tagged object:

=====================  ==============================================================
``{"$f": "nan"}``      a non-finite float (``"nan"``, ``"inf"``, ``"-inf"``)
``{"$c": [re, im]}``   a complex number
``{"$t": [...]}``      a tuple
``{"$d": [[k, v]]}``   a dict (keys and values are trees)
``{"$a": i, ...}``     NumPy array number ``i`` of the blobs: ``dtype`` (``dtype.str``),
                       ``shape``; ``scalar: true`` for a NumPy scalar
``{"$rng": state}``    a ``np.random.Generator`` on PCG64, by its bit-generator state
``{"$series": ...}``   a pandas Series (values, index, name) -- arguments only
``{"$frame": ...}``    a pandas DataFrame (columns, index) -- arguments only
``{"$x": "Type"}``     anything else: only its type's name crosses
=====================  ==============================================================

No pickle anywhere: arrays travel as raw bytes with a dtype from an allow-list of
plain numeric kinds (bool, signed and unsigned integers, floats, complex), so decoding
never runs code and never builds an object of a type the sender chose. The trusted
side decodes with ``trusted=True``: anything malformed raises :class:`ProtocolError`.
"""
from __future__ import annotations

import json
import math
import struct

import numpy as np

__all__ = ["ProtocolError", "Unsupported", "encode", "decode", "pack", "unpack",
           "read_frame", "write_frame", "MAX_FRAME_BYTES"]

MAX_FRAME_BYTES = 256 * 2**20  # one message; a student cannot make the grader allocate more
_MAX_DEPTH = 40
_MAX_NODES = 200_000
_PLAIN_KINDS = "biufc"
_HEADER = struct.Struct(">I")


class ProtocolError(ValueError):
    """A frame or value that does not follow the wire format."""


class Unsupported:
    """Stands for a value that could not cross the boundary (a student's custom object)."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:100]

    def __repr__(self):
        return f"<{self.type_name} object>"


# ----------------------------------------------------------------------------- encoding


def _type_name(obj) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else t.__qualname__


def encode(obj, blobs: list, _depth: int = 0):
    """Tree of JSON values for ``obj``; array data is appended to ``blobs``."""
    if _depth > _MAX_DEPTH:
        return {"$x": "nested too deeply"}
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int) and type(obj) in (int,):
        return obj
    if type(obj) is float:
        return obj if math.isfinite(obj) else {"$f": repr(obj)}
    if type(obj) is complex:
        return {"$c": [encode(obj.real, blobs), encode(obj.imag, blobs)]}
    if type(obj) is list:
        return [encode(x, blobs, _depth + 1) for x in obj]
    if type(obj) is tuple:
        return {"$t": [encode(x, blobs, _depth + 1) for x in obj]}
    if type(obj) is dict:
        return {"$d": [[encode(k, blobs, _depth + 1), encode(v, blobs, _depth + 1)]
                       for k, v in obj.items()]}
    if isinstance(obj, (np.ndarray, np.generic)):
        return _encode_array(obj, blobs)
    if isinstance(obj, np.random.Generator):
        if type(obj.bit_generator).__name__ != "PCG64":
            return {"$x": f"Generator({type(obj.bit_generator).__name__})"}
        return {"$rng": encode(obj.bit_generator.state, blobs, _depth + 1)}
    pandas_tree = _encode_pandas(obj, blobs, _depth)
    if pandas_tree is not None:
        return pandas_tree
    return {"$x": _type_name(obj)}


def _encode_array(obj, blobs):
    scalar = isinstance(obj, np.generic)
    arr = np.asarray(obj)
    if type(arr) is not np.ndarray:  # a subclass: only its data crosses
        arr = arr.view(np.ndarray)
    if arr.dtype.kind not in _PLAIN_KINDS or arr.dtype.fields is not None:
        return {"$x": f"numpy array of dtype {arr.dtype}"}
    if not arr.flags.c_contiguous:  # (np.ascontiguousarray would turn 0-d into 1-d)
        arr = arr.copy(order="C")
    blobs.append(arr.tobytes())
    tree = {"$a": len(blobs) - 1, "dtype": arr.dtype.str, "shape": list(arr.shape)}
    if scalar:
        tree["scalar"] = True
    return tree


def _encode_pandas(obj, blobs, depth):
    mod = type(obj).__module__
    if not mod.startswith("pandas"):
        return None
    import pandas as pd

    if isinstance(obj, pd.Series):
        return {"$series": {"values": encode(obj.to_numpy(), blobs, depth + 1),
                            "index": encode(obj.index.to_numpy(), blobs, depth + 1),
                            "name": encode(obj.name, blobs, depth + 1)}}
    if isinstance(obj, pd.DataFrame):
        return {"$frame": {"columns": [encode(c, blobs, depth + 1) for c in obj.columns],
                           "data": [encode(obj[c].to_numpy(), blobs, depth + 1) for c in obj.columns],
                           "index": encode(obj.index.to_numpy(), blobs, depth + 1)}}
    return None


# ----------------------------------------------------------------------------- decoding


class _Decoder:
    def __init__(self, blobs, trusted):
        self.blobs = blobs
        self.trusted = trusted
        self.nodes = 0

    def __call__(self, tree, depth=0):
        self.nodes += 1
        if depth > _MAX_DEPTH or self.nodes > _MAX_NODES:
            raise ProtocolError("value nested too deeply or too large")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if isinstance(tree, list):
            return [self(x, depth + 1) for x in tree]
        if not isinstance(tree, dict) or len(tree) == 0:
            raise ProtocolError(f"unexpected JSON value of type {type(tree).__name__}")
        tag = next(iter(tree))
        handler = getattr(self, "_tag_" + tag[1:], None) if tag.startswith("$") else None
        if handler is None:
            raise ProtocolError(f"unknown tag {tag!r}")
        return handler(tree, depth)

    def _tag_f(self, tree, depth):
        if tree["$f"] not in ("nan", "inf", "-inf"):
            raise ProtocolError("bad non-finite float")
        return float(tree["$f"])

    def _tag_c(self, tree, depth):
        re, im = (self(x, depth + 1) for x in tree["$c"])
        if type(re) is not float or type(im) is not float:
            raise ProtocolError("bad complex number")
        return complex(re, im)

    def _tag_t(self, tree, depth):
        return tuple(self(x, depth + 1) for x in _as_list(tree["$t"]))

    def _tag_d(self, tree, depth):
        out = {}
        for pair in _as_list(tree["$d"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ProtocolError("bad dict item")
            key = self(pair[0], depth + 1)
            if not isinstance(key, (str, int, float, bool, tuple, type(None))):
                raise ProtocolError("unhashable dict key")
            out[key] = self(pair[1], depth + 1)
        return out

    def _tag_a(self, tree, depth):
        i = tree["$a"]
        if type(i) is not int or not 0 <= i < len(self.blobs):
            raise ProtocolError("bad array reference")
        try:
            dtype = np.dtype(str(tree["dtype"]))
        except TypeError:
            raise ProtocolError("bad dtype") from None
        if dtype.kind not in _PLAIN_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise ProtocolError(f"dtype {dtype} is not a plain numeric dtype")
        shape = tree["shape"]
        if not isinstance(shape, list) or any(type(n) is not int or n < 0 for n in shape):
            raise ProtocolError("bad shape")
        size = math.prod(shape)
        blob = self.blobs[i]
        if size * dtype.itemsize != len(blob):
            raise ProtocolError("array data does not match its shape and dtype")
        arr = np.frombuffer(blob, dtype=dtype).reshape(shape).copy()
        return arr[()] if tree.get("scalar") and arr.ndim == 0 else arr

    def _tag_rng(self, tree, depth):
        state = self(tree["$rng"], depth + 1)
        gen = np.random.Generator(np.random.PCG64())
        try:
            gen.bit_generator.state = state
        except (TypeError, ValueError, KeyError):
            raise ProtocolError("bad generator state") from None
        return gen

    def _tag_series(self, tree, depth):
        import pandas as pd

        body = tree["$series"]
        values, index = self(body["values"], depth + 1), self(body["index"], depth + 1)
        name = self(body["name"], depth + 1)
        if not (isinstance(values, np.ndarray) and isinstance(index, np.ndarray)):
            raise ProtocolError("bad Series")
        return pd.Series(values, index=index, name=name if isinstance(name, (str, int, float)) else None)

    def _tag_frame(self, tree, depth):
        import pandas as pd

        body = tree["$frame"]
        cols = [self(c, depth + 1) for c in _as_list(body["columns"])]
        data = [self(d, depth + 1) for d in _as_list(body["data"])]
        index = self(body["index"], depth + 1)
        if len(cols) != len(data) or not all(isinstance(d, np.ndarray) for d in data):
            raise ProtocolError("bad DataFrame")
        return pd.DataFrame(dict(zip(cols, data)), index=index)

    def _tag_x(self, tree, depth):
        return Unsupported(str(tree["$x"]))


def _as_list(x):
    if not isinstance(x, list):
        raise ProtocolError("expected a list")
    return x


def decode(tree, blobs, *, trusted: bool = True):
    """Rebuild a value from its tree and blobs; raises :class:`ProtocolError` if malformed."""
    try:
        return _Decoder(blobs, trusted)(tree)
    except ProtocolError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProtocolError(f"malformed value ({type(exc).__name__})") from None


# ----------------------------------------------------------------------------- framing


def pack(msg) -> bytes:
    """One frame holding ``msg`` (any encodable value)."""
    blobs: list = []
    tree = encode(msg, blobs)
    header = json.dumps({"msg": tree, "blobs": [len(b) for b in blobs]},
                        separators=(",", ":")).encode()
    return b"".join([_HEADER.pack(len(header)), header, *blobs])


def unpack(header: bytes, payload: bytes, *, trusted: bool = True):
    try:
        head = json.loads(header)
        sizes = head["blobs"]
        tree = head["msg"]
    except (ValueError, KeyError, TypeError):
        raise ProtocolError("malformed frame header") from None
    if not isinstance(sizes, list) or any(type(n) is not int or n < 0 for n in sizes) \
            or sum(sizes) != len(payload):
        raise ProtocolError("frame sizes do not add up")
    blobs, pos = [], 0
    for n in sizes:
        blobs.append(payload[pos:pos + n])
        pos += n
    return decode(tree, blobs, trusted=trusted)


def _read_exact(read, n):
    chunks, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            raise EOFError("channel closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(read, *, trusted: bool = True, max_bytes: int = MAX_FRAME_BYTES):
    """Read one frame with ``read(n) -> bytes`` (e.g. ``os.read`` bound to a fd)."""
    (n,) = _HEADER.unpack(_read_exact(read, _HEADER.size))
    if n > max_bytes:
        raise ProtocolError("frame header too large")
    header = _read_exact(read, n)
    try:
        sizes = json.loads(header)["blobs"]
        total = sum(int(s) for s in sizes)
    except (ValueError, KeyError, TypeError):
        raise ProtocolError("malformed frame header") from None
    if total > max_bytes or total < 0:
        raise ProtocolError("frame too large")
    return unpack(header, _read_exact(read, total), trusted=trusted)


def write_frame(write, msg) -> None:
    data = memoryview(pack(msg))
    while data:
        n = write(data)
        data = data[n:]
