"""The pydantic v2 models that datamodel-code-generator makes of every generated OpenAPI document
agree with the sample corpus (generated/<edition>/samples/): every valid sample validates against
its model; every invalid case whose rule JSON Schema can express is rejected; every other case
(decimal scale, conditional requirements, ...: only in x- extensions) is accepted, which is what
the README says the generated models do not check.

Run by .ci/openapi-consumers, which generates the models into $CHARGESPEC_MODELS/<edition>/<doc>.py.
"""

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import pydantic
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = Path(os.environ.get("CHARGESPEC_MODELS", ROOT / "target" / "consumers" / "models"))


def documents():
    """(edition, document path) for every OpenAPI document under generated/."""
    return sorted(
        (p.parent.parent.name, p) for p in ROOT.glob("generated/*/openapi/*.json")
    )


def module_name(doc) -> str:
    return re.sub(r"\W", "_", Path(doc).stem)


_loaded = {}


def models(edition: str, doc: Path):
    """The generated module of a document and a map schema name -> model class."""
    key = (edition, doc.name)
    if key not in _loaded:
        path = MODELS / edition / f"{module_name(doc)}.py"
        assert path.is_file(), f"no generated models at {path}"
        name = f"chargespec_models_{module_name(edition)}_{module_name(doc)}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # pydantic resolves generic models through sys.modules
        spec.loader.exec_module(module)
        schemas = json.loads(doc.read_text(encoding="utf-8"))["components"]["schemas"]
        by_name = {}
        for name in schemas:
            # datamodel-code-generator names a class after its schema, dropping what is not an
            # identifier character (`T-AlarmStatus` -> `TAlarmStatus`).
            cls = re.sub(r"[^0-9A-Za-z_]", "", name)
            assert cls not in by_name.values(), f"{doc}: two schemas map to class {cls}"
            by_name[name] = cls
        classes = {}
        for name, cls in by_name.items():
            model = getattr(module, cls, None)
            assert model is not None, f"{doc}: no class {cls} for schema {name}"
            classes[name] = pydantic.TypeAdapter(model)
        _loaded[key] = classes
    return _loaded[key]


def corpus(edition: str, name: str):
    return json.loads((ROOT / "generated" / edition / "samples" / name).read_text(encoding="utf-8"))


def valid_params():
    out = []
    for edition, doc in documents():
        valid = corpus(edition, "valid.json")
        for obj, sample in valid["objects"].items():
            out.append(pytest.param(edition, doc, obj, sample, id=f"{edition}/{doc.stem}/{obj}"))
        for iface, entry in valid["interfaces"].items():
            for side in ("request", "response"):
                out.append(
                    pytest.param(
                        edition,
                        doc,
                        entry[f"{side}_object"],
                        entry[side],
                        id=f"{edition}/{doc.stem}/{iface}.{side}",
                    )
                )
    return out


def case_params():
    out = []
    for edition, doc in documents():
        for i, case in enumerate(corpus(edition, "invalid.json")["cases"]):
            ident = f"{edition}/{doc.stem}/{i}:{case['object']}{case['pointer']}:{case['rule']}"
            out.append(pytest.param(edition, doc, case, id=ident))
    return out


@pytest.mark.parametrize(("edition", "doc", "obj", "sample"), valid_params())
def test_valid_sample_validates(edition, doc, obj, sample):
    models(edition, doc)[obj].validate_python(sample)


@pytest.mark.parametrize(("edition", "doc", "case"), case_params())
def test_invalid_case(edition, doc, case):
    model = models(edition, doc)[case["object"]]
    if case["json_schema"] and case["severity"] == "error":
        with pytest.raises(pydantic.ValidationError) as err:
            model.validate_python(case["json"])
        # Rejected at the case's pointer (or below it: pydantic may name a union branch).
        ptr = case["pointer"]
        locs = ["".join(f"/{p}" for p in e["loc"]) for e in err.value.errors()]
        assert any(loc == ptr or loc.startswith(ptr + "/") for loc in locs), (locs, ptr)
    else:
        # Not expressible in JSON Schema (or an unknown code of an open table, kept by design):
        # the generated models accept it; `chargespec validate` / the generated validators do not.
        model.validate_python(case["json"])


def test_corpus_is_not_empty():
    assert documents(), "no OpenAPI documents under generated/"
    for edition, _ in documents():
        assert corpus(edition, "invalid.json")["cases"], edition
