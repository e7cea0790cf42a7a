"""PyYAML's C loader as the reference reading of YAML text, as JSON.

Run by `cargo xtask yaml-oracle` with the PyYAML it installs into `.tools/`. For
each file named on the command line it prints one JSON line:
{"file": ..., "core": value | "core_error": message, "stock": value | "stock_error": message}.

- `stock` is `yaml.CSafeLoader` (libyaml's parser, PyYAML's composer and
  SafeConstructor, the YAML 1.1 implicit types), with only what JSON forces:
  a timestamp, a `!!binary` value, an infinity or NaN keeps the text written.
- `core` is the same loader with the YAML 1.2 core schema's implicit types
  (what the OpenAPI Specification recommends, and what the generator reads);
  merge keys are kept. Its output is what the generator must read exactly.

Mapping keys become JSON keys as `json.dumps` writes them (`200`, `true`, `null`)
while the mapping is built, so keys that are one JSON key (`200` and `'200'`)
are one key, the later value winning as for any key written twice.
"""

import json
import re
import sys

import yaml

if not yaml.__with_libyaml__:
    sys.exit("this PyYAML has no libyaml bindings (yaml.__with_libyaml__ is False)")


def keep_text(loader, node):
    return loader.construct_scalar(node)


def float_json(loader, node):
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if value != value or value in (float("inf"), float("-inf")):
        return loader.construct_scalar(node)
    return value


def json_key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, (list, dict, set, tuple)):
        raise yaml.constructor.ConstructorError(None, None, "found unhashable key")
    return json.dumps(key)


def construct_map_json(loader, node):
    data = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = json_key(loader.construct_object(key_node, deep=False))
        data[key] = loader.construct_object(value_node, deep=False)


class Stock(yaml.CSafeLoader):
    pass


Stock.add_constructor("tag:yaml.org,2002:map", construct_map_json)


Stock.add_constructor("tag:yaml.org,2002:timestamp", keep_text)
Stock.add_constructor("tag:yaml.org,2002:binary", keep_text)
Stock.add_constructor("tag:yaml.org,2002:float", float_json)


def int_core(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


class Core(Stock):
    pass


Core.yaml_implicit_resolvers = {}
Core.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
Core.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
Core.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
Core.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
Core.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
Core.add_constructor("tag:yaml.org,2002:int", int_core)


def read(text, loader):
    try:
        value = yaml.load(text, Loader=loader)
        # Round trip through JSON text: keys as json.dumps writes them.
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False)), None
    except Exception as e:  # noqa: BLE001 - any refusal is a result
        return None, f"{type(e).__name__}: {e}".replace("\n", " ")


def main():
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out = {"file": path}
        for name, loader in (("core", Core), ("stock", Stock)):
            value, error = read(text, loader)
            if error is None:
                out[name] = value
            else:
                out[name + "_error"] = error
        print(json.dumps(out, ensure_ascii=False))


main()
