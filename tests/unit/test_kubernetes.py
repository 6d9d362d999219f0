"""Keeps the Kubernetes manifests honest: deploy/kubernetes/ (a Kustomize base, Kafka on Strimzi, city overlays).

Nothing here needs a cluster, a network or a ``kustomize`` binary. The base and every overlay are rendered by the
small renderer below, which implements exactly the part of Kustomize the manifests use (resources, namespace,
images, strategic-merge and JSON 6902 patches) and fails on anything else, so a manifest never means something
here that it would not mean to ``kubectl apply -k``. Every rendered object is then

* validated against the Kubernetes JSON schemas that the PyPI package ``kubernetes-validate`` ships, strictly
  (an unknown field fails), for the oldest and the newest Kubernetes version supported, with sockets closed;
  the Strimzi resources (custom resources, which those schemas do not know) against the minimal schemas below;
* checked against the code it runs, as tests/unit/test_compose.py does for docker-compose.yml: every container
  runs a real ``stadtstimme`` command of the one image built from ./Dockerfile, every process ``stadtstimme run``
  starts is deployed, every environment variable is a ``shared.settings.Settings`` field whose value validates
  (and every secret one comes from a Secret by reference), every port and probe is the one the server binds and
  answers, the topics are the contracts' topics, the ingress routes each path to the service the Caddyfile does,
  and the network policies allow exactly what each process needs.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from kubernetes_validate import utils as kubernetes_schemas

from shared.contracts.topics import TOPICS, topic_name
from shared.settings import Settings
from stadtstimme.app import HTTP_SERVICES
from tests.unit.deploy_helpers import (
    PREFIX,
    PUBLIC_ROUTES,
    REPO,
    SECRET_VARS,
    SETTINGS_VARS,
    ServiceRun,
    deployed_processes,
    dockerfile,
    image_http_port,
    parse_caddyfile,
    resolve,
)

ROOT = REPO / "deploy" / "kubernetes"
BASE = ROOT / "base"
OVERLAYS = sorted(p.parent for p in (ROOT / "overlays").glob("*/kustomization.yaml"))
TARGETS = [BASE, *OVERLAYS]
# The oldest Kubernetes the manifests are written for (README.md says so) and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30", kubernetes_schemas.latest_version())
SECRET_NAME = "stadtstimme"  # the one Secret, created in the cluster, never in these files
POSTGRES_PORT = 5432  # the database URL is a secret: the policies allow PostgreSQL's own port
DOCUMENTATION_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
WORKLOAD_KINDS = ("Deployment", "Job")
STRIMZI = "kafka.strimzi.io/v1"


def target_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------- the renderer (a subset of Kustomize)

KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass"}
# How a strategic-merge patch merges a list it meets in a built-in kind: by this key, as Kubernetes declares it.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
}
# Lists that Kubernetes declares without a merge strategy: a patch replaces them whole.
REPLACED_LISTS = {"args", "command", "envFrom", "ingress", "egress", "policyTypes", "rules", "tls", "hosts", "paths"}
PATCH_DIRECTIVES = ("$patch", "$setElementOrder", "$retainKeys", "$deleteFromPrimitiveList")


class KustomizeError(Exception):
    pass


def read_documents(path: Path) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    for doc in docs:
        if not isinstance(doc, dict):
            raise KustomizeError(f"{path}: every document must be a mapping")
    return docs


def is_builtin(obj: dict[str, Any]) -> bool:
    """Kinds of the Kubernetes API itself (strategic merge); custom resources get JSON merge patches."""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def merge(target: Any, patch: Any, strategic: bool, where: str) -> Any:
    """A strategic-merge patch (built-in kinds) or a JSON merge patch (custom resources) of ``target``."""
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    result = dict(target)
    for key, value in patch.items():
        if key in PATCH_DIRECTIVES or key.startswith("$setElementOrder/"):
            raise KustomizeError(f"{where}: the patch directive {key} is not implemented by this renderer")
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list) and strategic:
            if key in MERGE_KEYS:
                result[key] = merge_list(result[key], value, MERGE_KEYS[key], f"{where}.{key}")
            elif key in REPLACED_LISTS:
                result[key] = copy.deepcopy(value)
            else:
                raise KustomizeError(f"{where}.{key}: how Kustomize merges this list is not implemented here")
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value, strategic, f"{where}.{key}")
        else:
            result[key] = copy.deepcopy(value)
    return result


def merge_list(target: list[Any], patch: list[Any], key: str, where: str) -> list[Any]:
    """Items merged by ``key``: the patch's items first, in its order (merged into the target's item with the same
    key), then the target's items the patch does not name, as Kustomize orders them."""
    for item in [*target, *patch]:
        if not isinstance(item, dict) or key not in item:
            raise KustomizeError(f"{where}: every item needs its merge key {key!r}")
    old = {item[key]: item for item in target}
    named = {item[key] for item in patch}
    merged = [merge(old[i[key]], i, True, f"{where}[{i[key]}]") if i[key] in old else copy.deepcopy(i) for i in patch]
    return merged + [copy.deepcopy(item) for item in target if item[key] not in named]


def json_patch(target: dict[str, Any], operations: list[dict[str, Any]], source: str) -> dict[str, Any]:
    """RFC 6902: add, replace and remove."""
    result = copy.deepcopy(target)
    for op in operations:
        kind, pointer = op.get("op"), op.get("path", "")
        if kind not in ("add", "replace", "remove") or not pointer.startswith("/"):
            raise KustomizeError(f"{source}: operation {op} is not implemented by this renderer")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
        parent: Any = result
        try:
            for part in parts[:-1]:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        except (KeyError, IndexError, ValueError) as exc:
            raise KustomizeError(f"{source}: {pointer} does not exist") from exc
        last: Any = parts[-1]
        if isinstance(parent, list):
            last = len(parent) if last == "-" and kind == "add" else int(last)
            exists = 0 <= last < len(parent)
        else:
            exists = last in parent
        if kind != "add" and not exists:
            raise KustomizeError(f"{source}: {pointer} does not exist")
        if kind == "remove":
            del parent[last]
        elif kind == "add" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(op["value"]))
        else:
            parent[last] = copy.deepcopy(op["value"])
    return result


def matches(obj: dict[str, Any], target: dict[str, Any]) -> bool:
    unknown = set(target) - {"group", "version", "kind", "name", "namespace"}
    if unknown:
        raise KustomizeError(f"patch target fields {sorted(unknown)} are not implemented by this renderer")
    group, _, version = obj.get("apiVersion", "").rpartition("/")
    meta = obj.get("metadata", {})
    return (
        target.get("kind", obj.get("kind")) == obj.get("kind")
        and target.get("group", group) == group
        and target.get("version", version) == version
        and re.fullmatch(target.get("name", ".*"), meta.get("name", "")) is not None
        and target.get("namespace", meta.get("namespace")) == meta.get("namespace")
    )


def apply_patches(objects: list[dict[str, Any]], directory: Path, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        unknown = set(entry) - {"path", "patch", "target"}
        if unknown or ("path" in entry) == ("patch" in entry):
            raise KustomizeError(f"{directory}: patch entry {entry} (give `path` or `patch`, and optionally `target`)")
        if "path" in entry:
            file = (directory / entry["path"]).resolve()
            if not file.is_relative_to(directory.resolve()):
                raise KustomizeError(f"{directory}: patch {entry['path']} lies outside the kustomization")
            docs: Any = list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
            source = str(file.relative_to(ROOT))
        else:
            docs = list(yaml.safe_load_all(entry["patch"]))
            source = f"{target_id(directory)}: inline patch"
        if len(docs) == 1 and isinstance(docs[0], list):  # JSON 6902
            if "target" not in entry:
                raise KustomizeError(f"{source}: a JSON 6902 patch needs a `target`")
            hits = [i for i, obj in enumerate(objects) if matches(obj, entry["target"])]
            if not hits:
                raise KustomizeError(f"{source}: no object matches target {entry['target']}")
            for i in hits:
                objects[i] = json_patch(objects[i], docs[0], source)
            continue
        for patch in (d for d in docs if d is not None):
            target = entry.get("target") or {
                "kind": patch.get("kind"),
                "name": re.escape(patch.get("metadata", {}).get("name", "")),
                **({"namespace": patch["metadata"]["namespace"]} if patch.get("metadata", {}).get("namespace") else {}),
            }
            hits = [i for i, obj in enumerate(objects) if matches(obj, target)]
            if not hits:
                raise KustomizeError(f"{source}: no object matches {target}")
            for i in hits:
                body = {k: v for k, v in patch.items() if k not in ("apiVersion", "kind")}
                body["metadata"] = {k: v for k, v in body.get("metadata", {}).items() if k not in ("name", "namespace")}
                objects[i] = merge(objects[i], body, is_builtin(objects[i]), source)


def pod_specs(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if obj.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield obj["spec"]["template"]["spec"]
    elif obj.get("kind") == "Pod":
        yield obj["spec"]
    elif obj.get("kind") == "CronJob":
        yield obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def apply_images(objects: list[dict[str, Any]], entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        unknown = set(entry) - {"name", "newName", "newTag", "digest"}
        if unknown:
            raise KustomizeError(f"images entry {entry}: {sorted(unknown)} not implemented by this renderer")
        used = False
        for obj in objects:
            for spec in pod_specs(obj):
                for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
                    name, tag = split_image(container["image"])
                    if name != entry["name"]:
                        continue
                    used = True
                    suffix = (
                        f"@{entry['digest']}"
                        if entry.get("digest")
                        else f":{entry['newTag']}"
                        if "newTag" in entry
                        else tag
                    )
                    container["image"] = f"{entry.get('newName', name)}{suffix}"
        if not used:
            raise KustomizeError(f"images entry {entry['name']!r} matches no container")


def split_image(image: str) -> tuple[str, str]:
    """(name, ':tag' or '@digest' or '')."""
    if "@" in image:
        name, digest = image.split("@", 1)
        return name, "@" + digest
    head, _, last = image.rpartition("/")
    if ":" in last:
        repo, tag = last.split(":", 1)
        return f"{head}/{repo}" if head else repo, ":" + tag
    return image, ""


@cache
def _render(directory: Path) -> tuple[dict[str, Any], ...]:
    file = directory / "kustomization.yaml"
    if not file.is_file():
        raise KustomizeError(f"{directory} has no kustomization.yaml")
    spec = yaml.safe_load(file.read_text(encoding="utf-8"))
    unknown = set(spec) - KUSTOMIZATION_FIELDS
    if unknown:
        raise KustomizeError(f"{file}: {sorted(unknown)} are not implemented by this renderer")
    if spec.get("kind") != "Kustomization" or spec.get("apiVersion") != "kustomize.config.k8s.io/v1beta1":
        raise KustomizeError(f"{file}: must be a kustomize.config.k8s.io/v1beta1 Kustomization")
    objects: list[dict[str, Any]] = []
    for entry in spec.get("resources", []):
        if "://" in entry or entry.startswith("github.com/"):
            raise KustomizeError(f"{file}: remote resource {entry}: everything must be in this repository")
        path = (directory / entry).resolve()
        if not path.is_relative_to(ROOT):
            raise KustomizeError(f"{file}: resource {entry} lies outside deploy/kubernetes")
        objects += copy.deepcopy(list(_render(path))) if path.is_dir() else read_documents(path)
    apply_patches(objects, directory, spec.get("patches", []))
    apply_images(objects, spec.get("images", []))
    namespace = spec.get("namespace")
    if namespace:
        for obj in objects:
            if obj["kind"] == "Namespace":
                # Kustomize gives a Namespace object the kustomization's namespace as its name; keep them equal.
                if obj["metadata"]["name"] != namespace:
                    raise KustomizeError(f"{file}: Namespace {obj['metadata']['name']} is not {namespace}")
            elif obj["kind"] not in CLUSTER_SCOPED:
                obj.setdefault("metadata", {})["namespace"] = namespace
    seen: set[tuple[str, str, str]] = set()
    for obj in objects:
        key = (
            obj.get("kind", ""),
            obj.get("metadata", {}).get("namespace", ""),
            obj.get("metadata", {}).get("name", ""),
        )
        if key in seen:
            raise KustomizeError(f"{file}: {key} is defined twice")
        seen.add(key)
    return tuple(objects)


def render(directory: Path) -> list[dict[str, Any]]:
    try:
        return copy.deepcopy(list(_render(directory)))
    except KustomizeError as exc:
        pytest.fail(f"rendering {target_id(directory)}: {exc}")


# ---------------------------------------------------------------- reading rendered objects


@dataclass
class Rendered:
    path: Path
    objects: list[dict[str, Any]]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        return next((o for o in self.of(kind) if o["metadata"]["name"] == name), None)

    @property
    def namespace(self) -> str:
        found = {o["metadata"].get("namespace", "default") for o in self.objects if o["kind"] not in CLUSTER_SCOPED}
        assert len(found) == 1, f"{target_id(self.path)}: objects in several namespaces {sorted(found)}"
        return found.pop()

    def workloads(self) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] in WORKLOAD_KINDS]

    def config_data(self) -> dict[str, str]:
        """The data of every ConfigMap a container reads with envFrom (here: the one ConfigMap)."""
        data: dict[str, str] = {}
        for name in {
            src["configMapRef"]["name"]
            for w in self.workloads()
            for c in containers(w)
            for src in c.get("envFrom", [])
            if "configMapRef" in src
        }:
            cm = self.get("ConfigMap", name)
            assert cm is not None, f"{target_id(self.path)}: ConfigMap {name} is read but not defined"
            data.update(cm.get("data", {}))
        return data


def rendered(path: Path) -> Rendered:
    return Rendered(path, render(path))


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"].get("labels", {})


def where(target: Rendered, workload: dict[str, Any], container: dict[str, Any] | None = None) -> str:
    place = f"{target_id(target.path)}: {workload['kind']} {workload['metadata']['name']}"
    return f"{place}, container {container['name']}" if container else place


@dataclass
class EnvVar:
    value: str | None  # literal or from a ConfigMap
    secret: tuple[str, str, bool] | None  # (Secret, key, optional)
    source: str  # "env", "configmap", "secret", "other"


def environment(target: Rendered, workload: dict[str, Any], container: dict[str, Any]) -> dict[str, EnvVar]:
    env: dict[str, EnvVar] = {}
    for src in container.get("envFrom", []):
        assert "configMapRef" in src and not src.get("prefix"), (
            f"{where(target, workload, container)}: envFrom only from ConfigMaps, without prefix (secrets by key)"
        )
        cm = target.get("ConfigMap", src["configMapRef"]["name"])
        assert cm is not None, f"{where(target, workload, container)}: ConfigMap {src['configMapRef']['name']} missing"
        env.update({k: EnvVar(str(v), None, "configmap") for k, v in cm.get("data", {}).items()})
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = EnvVar(str(var["value"]), None, "env")
        elif "secretKeyRef" in var.get("valueFrom", {}):
            ref = var["valueFrom"]["secretKeyRef"]
            env[var["name"]] = EnvVar(None, (ref["name"], ref["key"], bool(ref.get("optional"))), "secret")
        else:
            env[var["name"]] = EnvVar(None, None, "other")
    return env


def run_of(target: Rendered, workload: dict[str, Any], container: dict[str, Any]) -> ServiceRun:
    image = dockerfile()
    entrypoint = [str(a) for a in container["command"]] if "command" in container else image.exec_form("ENTRYPOINT")
    args = [str(a) for a in container["args"]] if "args" in container else image.exec_form("CMD")
    assert "args" in container, f"{where(target, workload, container)}: say which stadtstimme command it runs (args)"
    return resolve([*entrypoint, *args], where(target, workload, container))


def main_run(target: Rendered, workload: dict[str, Any]) -> ServiceRun:
    main = pod_spec(workload)["containers"]
    assert len(main) == 1, f"{where(target, workload)}: one container per pod (the process it is named after)"
    return run_of(target, workload, main[0])


def deployments(target: Rendered) -> dict[str, tuple[dict[str, Any], ServiceRun]]:
    return {d["metadata"]["name"]: (d, main_run(target, d)) for d in target.of("Deployment")}


def http_deployments(target: Rendered) -> dict[str, tuple[dict[str, Any], ServiceRun]]:
    return {name: (d, run) for name, (d, run) in deployments(target).items() if run.http_services}


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against ``labels``."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def kafka_bootstrap(target: Rendered) -> list[tuple[str, int]]:
    servers = target.config_data()[f"{PREFIX}KAFKA_BOOTSTRAP_SERVERS"]
    return [(s.strip().rpartition(":")[0], int(s.strip().rpartition(":")[2])) for s in servers.split(",") if s.strip()]


# ---------------------------------------------------------------- the renderer itself


def test_the_renderer_refuses_what_it_does_not_implement(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\nnamePrefix: x-\n")
    with pytest.raises(KustomizeError, match="namePrefix"):
        _render(tmp_path)


def test_the_renderer_merges_as_kustomize_does() -> None:
    """The expected results are what `kustomize build` (sigs.k8s.io/kustomize/api v0.21.2) made of the same."""
    env = [{"name": "A", "value": "1"}, {"name": "C", "value": "c"}]
    base = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x", "env": env, "args": ["p"]},
                                                          {"name": "b", "image": "y"}]}}}}  # fmt: skip
    env = [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}, {"name": "D", "value": "4"}]
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "a", "env": env, "args": ["q"]},
                                                           {"name": "z", "image": "zz"}]}}}}  # fmt: skip
    merged = merge(base, patch, True, "test")
    a, z, b = merged["spec"]["template"]["spec"]["containers"]
    assert [(e["name"], e["value"]) for e in a["env"]] == [("B", "2"), ("A", "3"), ("D", "4"), ("C", "c")]
    assert a["args"] == ["q"] and a["image"] == "x"
    assert z == {"name": "z", "image": "zz"} and b == {"name": "b", "image": "y"}
    custom = merge({"spec": {"roles": ["a"], "x": {"y": 1, "z": 2}}}, {"spec": {"roles": ["b"], "x": {"z": None}}},
                   False, "test")  # fmt: skip
    assert custom == {"spec": {"roles": ["b"], "x": {"y": 1}}}
    patched = json_patch({"spec": {"rules": [{"host": "a"}]}}, [
        {"op": "replace", "path": "/spec/rules/0/host", "value": "b"},
        {"op": "add", "path": "/spec/tls", "value": []}], "test")  # fmt: skip
    assert patched == {"spec": {"rules": [{"host": "b"}], "tls": []}}
    assert split_image("registry:5000/a/b:1.2") == ("registry:5000/a/b", ":1.2")


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_renders(path: Path) -> None:
    target = rendered(path)
    assert target.objects, f"{target_id(path)} renders nothing"
    for obj in target.objects:
        assert obj.get("apiVersion") and obj.get("kind") and obj.get("metadata", {}).get("name"), obj


def test_there_is_an_example_city_with_kafka_in_the_cluster() -> None:
    assert OVERLAYS, "deploy/kubernetes/overlays/ has no overlay"
    assert any(rendered(p).of("Kafka") for p in OVERLAYS), "no overlay runs Kafka as a Strimzi `Kafka` resource"


# ---------------------------------------------------------------- schemas

# kubernetes-validate ships no custom resource definitions: Strimzi's resources are checked against these, written
# from Strimzi's kafka.strimzi.io/v1 API reference for the fields used (closed where Strimzi's own schema is, so an
# unknown field fails there too). Everything else about them is checked against the contracts and settings below.
STRIMZI_SCHEMAS: dict[str, dict[str, Any]] = yaml.safe_load("""
Kafka:
  type: object
  required: [apiVersion, kind, metadata, spec]
  properties:
    metadata: {$ref: "#/$defs/metadata"}
    spec:
      type: object
      required: [kafka]
      additionalProperties: false
      properties:
        kafka:
          type: object
          required: [listeners]
          additionalProperties: false
          properties:
            version: {type: string, pattern: '^\\d+\\.\\d+\\.\\d+$'}
            metadataVersion: {type: string}
            listeners:
              type: array
              minItems: 1
              items:
                type: object
                required: [name, port, type, tls]
                additionalProperties: false
                properties:
                  name: {type: string, pattern: '^[a-z0-9]{1,11}$'}
                  port: {type: integer, minimum: 9092}
                  type: {enum: [internal, route, loadbalancer, nodeport, ingress, cluster-ip]}
                  tls: {type: boolean}
                  authentication: {type: object}
                  configuration: {type: object}
                  networkPolicyPeers: {type: array, items: {type: object}}
            config: {type: object}
            authorization: {type: object}
            rack: {type: object}
            resources: {$ref: "#/$defs/resources"}
            jvmOptions: {type: object}
            metricsConfig: {type: object}
            logging: {type: object}
            template: {type: object}
        entityOperator:
          type: object
          additionalProperties: false
          properties: {topicOperator: {type: object}, userOperator: {type: object}, template: {type: object}}
        clusterCa: {type: object}
        clientsCa: {type: object}
        cruiseControl: {type: object}
        kafkaExporter: {type: object}
        maintenanceTimeWindows: {type: array, items: {type: string}}
KafkaNodePool:
  type: object
  required: [apiVersion, kind, metadata, spec]
  properties:
    metadata: {$ref: "#/$defs/clustered"}
    spec:
      type: object
      required: [replicas, roles, storage]
      additionalProperties: false
      properties:
        replicas: {type: integer, minimum: 0}
        roles: {type: array, minItems: 1, items: {enum: [controller, broker]}}
        storage:
          type: object
          required: [type]
          properties:
            type: {enum: [ephemeral, persistent-claim, jbod]}
            volumes:
              type: array
              items:
                type: object
                required: [type]
                additionalProperties: false
                properties:
                  id: {type: integer, minimum: 0}
                  type: {enum: [ephemeral, persistent-claim]}
                  size: {type: string, pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$'}
                  class: {type: string}
                  deleteClaim: {type: boolean}
                  kraftMetadata: {enum: [shared]}
        resources: {$ref: "#/$defs/resources"}
        jvmOptions: {type: object}
        template: {type: object}
KafkaTopic:
  type: object
  required: [apiVersion, kind, metadata, spec]
  properties:
    metadata: {$ref: "#/$defs/clustered"}
    spec:
      type: object
      additionalProperties: false
      properties:
        topicName: {type: string}
        partitions: {type: integer, minimum: 1}
        replicas: {type: integer, minimum: 1, maximum: 32767}
        config: {type: object}
""")
STRIMZI_DEFINITIONS = yaml.safe_load("""
metadata:
  type: object
  required: [name]
  properties: {name: {type: string, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253}}
clustered:  # a resource of one Kafka cluster, named by its label
  allOf:
    - {$ref: "#/$defs/metadata"}
    - {type: object, required: [labels], properties: {labels: {type: object, required: [strimzi.io/cluster]}}}
resources:
  type: object
  additionalProperties: false
  properties: {requests: {type: object}, limits: {type: object}}
""")


def strimzi_validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**STRIMZI_SCHEMAS[kind], "$defs": STRIMZI_DEFINITIONS})


# kubernetes-validate reads and parses its (large) schema files again for every object: once is enough.
_schema_contents = cache(kubernetes_schemas.schema_contents)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemas come from the installed package: any attempt to connect anywhere fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"schema validation tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(kubernetes_schemas, "schema_contents", _schema_contents)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_object_matches_the_kubernetes_schemas(path: Path, version: str) -> None:
    problems = []
    for obj in rendered(path).objects:
        if obj["apiVersion"] == STRIMZI:
            continue  # test_strimzi_resources_match_their_schemas
        name = f"{obj['kind']} {obj['metadata']['name']}"
        try:
            kubernetes_schemas.validate(obj, version, strict=True)
        except kubernetes_schemas.SchemaNotFoundError as exc:
            problems.append(f"{name}: {exc.message}")
        except kubernetes_schemas.ValidationError as exc:
            problems.append(f"{name}: {'.'.join(map(str, exc.absolute_path))}: {exc.message}")
    assert not problems, f"{target_id(path)} against Kubernetes {version}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_strimzi_resources_match_their_schemas(path: Path) -> None:
    for obj in rendered(path).objects:
        if obj["apiVersion"].startswith("kafka.strimzi.io/"):
            assert obj["apiVersion"] == STRIMZI, f"{obj['kind']}: use {STRIMZI} (Strimzi 1.0 serves nothing else)"
            schema = STRIMZI_SCHEMAS.get(obj["kind"])
            assert schema, f"no schema for Strimzi kind {obj['kind']}: add one to STRIMZI_SCHEMAS"
            try:
                strimzi_validator(obj["kind"]).validate(obj)
            except jsonschema.ValidationError as exc:
                pytest.fail(f"{obj['kind']} {obj['metadata']['name']}: {list(exc.absolute_path)}: {exc.message}")


@pytest.mark.usefixtures("no_network")
def test_the_schemas_catch_mistakes() -> None:
    """The validation is not vacuous: a typo and a wrong type fail, for Kubernetes and for Strimzi."""
    deployment = next(o for o in render(BASE) if o["kind"] == "Deployment")
    pod_spec(deployment)["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_schemas.ValidationError):
        kubernetes_schemas.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)
    topic = {"apiVersion": STRIMZI, "kind": "KafkaTopic", "spec": {"partitions": "6"},
             "metadata": {"name": "t", "labels": {"strimzi.io/cluster": "c"}}}  # fmt: skip
    with pytest.raises(jsonschema.ValidationError):
        strimzi_validator("KafkaTopic").validate(topic)


# ---------------------------------------------------------------- processes, image and settings


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_process_runs_as_a_deployment_of_a_real_cli_command(path: Path) -> None:
    target = rendered(path)
    runs = deployments(target)
    running = {run.name for _, run in runs.values() if not run.http_services}
    for name, (_, run) in runs.items():
        unknown = run.http_services - set(HTTP_SERVICES)
        assert not unknown, f"Deployment {name} serves unknown HTTP services {sorted(unknown)}"
        assert len(run.http_services) <= 1, f"Deployment {name}: one HTTP service per Deployment, so each scales alone"
        running |= {f"serve {s}" for s in run.http_services}
    missing = sorted(deployed_processes() - running)
    assert not missing, f"{target_id(path)}: `stadtstimme run` starts {missing}, which no Deployment runs"
    for name, (deployment, run) in runs.items():
        component = pod_labels(deployment).get("app.kubernetes.io/component")
        expected = next(iter(run.http_services), None) or (
            run.params["name"] if run.command == ["worker"] else run.command[0]
        )
        assert component == expected == name, f"Deployment {name} runs {run.name}: name it and its pods {expected!r}"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_the_setup_job_migrates_then_creates_the_topics(path: Path) -> None:
    target = rendered(path)
    jobs = target.of("Job")
    assert len(jobs) == 1, f"{target_id(path)}: expected one setup Job, found {[j['metadata']['name'] for j in jobs]}"
    job = jobs[0]
    steps = [run_of(target, job, c).name for c in containers(job)]
    assert steps == ["migrate", "topics create"], f"{where(target, job)} runs {steps}: migrate first (init container)"
    assert pod_spec(job)["restartPolicy"] in ("OnFailure", "Never")
    assert job["spec"].get("ttlSecondsAfterFinished") is not None, "the finished Job must go, or the next apply fails"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_container_runs_the_image_built_here(path: Path) -> None:
    target = rendered(path)
    for workload in target.workloads():
        for container in containers(workload):
            name, tag = split_image(container["image"])
            assert name.rpartition("/")[2] == "stadtstimme", f"{where(target, workload, container)}: {name}"
            if path != BASE:
                assert "/" in name, f"{where(target, workload, container)}: name the city's registry, not {name!r}"
                assert tag and tag not in (":latest", ":local"), (
                    f"{where(target, workload, container)}: pin the image by tag or digest, not {tag or 'none'}"
                )


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_variable_is_a_setting_whose_value_validates(path: Path) -> None:
    from services.notifier.config import env_names, load_config

    target = rendered(path)
    image_env = dockerfile().env
    for workload in target.workloads():
        for container in containers(workload):
            env = environment(target, workload, container)
            allowed: set[str] = set()
            if run_of(target, workload, container).name == "notifier run":
                allowed = set(env_names(load_config(notifier_routing(target, workload, container)[1])))
            unknown = sorted(set(env) - set(SETTINGS_VARS) - allowed)
            assert not unknown, (
                f"{where(target, workload, container)}: {unknown} are not fields of shared.settings.Settings"
            )
            for name in allowed & set(env):
                assert env[name].source == "secret", f"{where(target, workload, container)}: {name} from a Secret"
            values = {SETTINGS_VARS[k]: v for k, v in image_env.items() if k in SETTINGS_VARS}
            for key, var in env.items():
                if key in SETTINGS_VARS:
                    values[SETTINGS_VARS[key]] = var.value if var.value is not None else "from-a-secret"
            try:
                Settings(**values)
            except ValueError as exc:
                pytest.fail(f"{where(target, workload, container)}: its STADTSTIMME_* values are not valid:\n{exc}")


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_secrets_come_from_the_secret_by_reference(path: Path) -> None:
    target = rendered(path)
    assert not target.of("Secret"), f"{target_id(path)}: no Secret in the manifests (create it in the cluster)"
    for cm in target.of("ConfigMap"):
        leaked = sorted(set(cm.get("data", {})) & SECRET_VARS)
        assert not leaked, f"ConfigMap {cm['metadata']['name']} holds {leaked}: secrets go into the Secret"
    for workload in target.workloads():
        for container in containers(workload):
            for name, var in environment(target, workload, container).items():
                if name in SECRET_VARS or re.search(r"TOKEN|PASSWORD|SECRET|KEY", name):
                    assert var.source == "secret", (
                        f"{where(target, workload, container)}: {name} must come from the Secret (secretKeyRef)"
                    )
                if var.secret:
                    assert var.secret[0] == SECRET_NAME, f"{where(target, workload, container)}: {name} {var.secret}"


def secret_keys(target: Rendered) -> dict[str, bool]:
    """Every key of the Secret the manifests read, and whether it may be missing."""
    keys: dict[str, bool] = {}
    for workload in target.workloads():
        for container in containers(workload):
            for var in environment(target, workload, container).values():
                if var.secret:
                    keys[var.secret[1]] = keys.get(var.secret[1], True) and var.secret[2]
    return keys


def test_the_readme_tells_how_to_create_every_secret_key() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running it in a cluster") :]
    section = section[: section.find("\n## ", 1)]
    for path in TARGETS:
        for key in secret_keys(rendered(path)):
            assert f"{key}=" in section or f"`{key}`" in section, (
                f"README.md, 'Running it in a cluster', does not say how to create the Secret's key {key!r}"
            )


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_the_database_url_goes_only_where_a_database_is_used(path: Path) -> None:
    target = rendered(path)
    for workload in target.workloads():
        for container in containers(workload):
            run = run_of(target, workload, container)
            env = environment(target, workload, container)
            needs = run.name != "worker aggregator" and run.name != "topics create"
            assert (f"{PREFIX}DATABASE_URL" in env) == needs, (
                f"{where(target, workload, container)} ({run.name}) {'needs' if needs else 'must not get'} the database"
            )


# ---------------------------------------------------------------- pods: security, resources, probes


def image_uid() -> int:
    for run in dockerfile().all("RUN"):
        found = re.search(r"useradd\b.*--uid\s+(\d+)", run)
        if found:
            return int(found.group(1))
    pytest.fail("the Dockerfile creates no user with a fixed --uid")


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_pods_run_as_the_images_user_with_a_read_only_root(path: Path) -> None:
    target = rendered(path)
    for workload in target.workloads():
        spec = pod_spec(workload)
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True and pod.get("runAsUser") == image_uid(), (
            f"{where(target, workload)}: run as non-root, as the image's user {image_uid()}"
        )
        assert pod.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{where(target, workload)}: seccomp"
        assert spec.get("automountServiceAccountToken") is False, f"{where(target, workload)}: no API token needed"
        # A Service named stadtstimme-* (Strimzi's bootstrap) would inject STADTSTIMME_*_PORT variables.
        assert spec.get("enableServiceLinks") is False, f"{where(target, workload)}: set enableServiceLinks: false"
        assert not spec.get("hostNetwork") and not spec.get("hostPID"), where(target, workload)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in containers(workload):
            sc = container.get("securityContext", {})
            here = where(target, workload, container)
            assert sc.get("readOnlyRootFilesystem") is True, f"{here}: read-only root filesystem"
            assert sc.get("allowPrivilegeEscalation") is False, f"{here}: allowPrivilegeEscalation: false"
            assert sc.get("capabilities", {}).get("drop") == ["ALL"] and not sc.get("capabilities", {}).get("add")
            assert not sc.get("privileged") and sc.get("runAsUser", image_uid()) == image_uid(), here
            # Python's temporary files and faust's data directory: /tmp is the one writable place.
            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]  # noqa: S108
            assert tmp and "emptyDir" in volumes.get(tmp[0]["name"], {}), f"{here}: mount an emptyDir at /tmp"
            assert volumes[tmp[0]["name"]]["emptyDir"].get("sizeLimit"), f"{here}: limit the size of /tmp"


def quantity(value: Any) -> float:
    """A Kubernetes quantity as a number (cores or bytes)."""
    text = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    for unit, factor in units.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_container_requests_and_limits_cpu_and_memory(path: Path) -> None:
    target = rendered(path)
    for workload in target.workloads():
        for container in containers(workload):
            res = container.get("resources", {})
            for kind in ("cpu", "memory"):
                request, limit = res.get("requests", {}).get(kind), res.get("limits", {}).get(kind)
                assert request and limit, f"{where(target, workload, container)}: set requests and limits of {kind}"
                assert quantity(request) <= quantity(limit), f"{where(target, workload, container)}: {kind}"
            assert quantity(res["limits"]["memory"]) >= 256 * 2**20, (
                f"{where(target, workload, container)}: Python with the service's imports needs 256Mi at least"
            )


@cache
def app_paths() -> frozenset[str]:
    """The paths the HTTP application answers (built, not started: nothing connects)."""
    from fastapi import FastAPI

    from stadtstimme.app import create_app

    app: Any = create_app(Settings(), list(HTTP_SERVICES))
    while not isinstance(app, FastAPI):
        app = app.app
    return frozenset(getattr(r, "path", "") for r in app.routes)


def port_matches(port: Any, container_port: dict[str, Any]) -> bool:
    return port == container_port.get("name") or port == container_port["containerPort"]


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_http_services_listen_where_their_probes_and_service_point(path: Path) -> None:
    target = rendered(path)
    for name, (deployment, _) in http_deployments(target).items():
        container = pod_spec(deployment)["containers"][0]
        here = where(target, deployment, container)
        env = {k: v.value for k, v in environment(target, deployment, container).items() if v.value is not None}
        bound = image_http_port(env)
        ports = container.get("ports", [])
        assert [p["containerPort"] for p in ports] == [bound], f"{here}: declare the one port it binds, {bound}"
        for probe, path_ in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz"), ("startupProbe", None)):
            check = container.get(probe, {}).get("httpGet")
            assert check, f"{here}: needs an HTTP {probe}"
            assert port_matches(check["port"], ports[0]), f"{here}: {probe} asks port {check['port']}, not {bound}"
            assert check["path"] in app_paths(), f"{here}: {probe} asks {check['path']}, which the app does not serve"
            if path_:
                assert check["path"] == path_, f"{here}: {probe} must ask {path_}"
        service = target.get("Service", name)
        assert service is not None, f"{target_id(path)}: HTTP Deployment {name} has no Service of the same name"
        assert selects({"matchLabels": service["spec"]["selector"]}, pod_labels(deployment))
        for port in service["spec"]["ports"]:
            assert port_matches(port.get("targetPort", port["port"]), ports[0]), f"Service {name}: {port}"
    for deployment, run in deployments(target).values():
        if not run.http_services:
            container = pod_spec(deployment)["containers"][0]
            assert not container.get("ports"), f"{where(target, deployment)}: {run.name} serves nothing"
            probes = [p for p in ("readinessProbe", "livenessProbe", "startupProbe") if p in container]
            assert not probes, f"{where(target, deployment)}: {run.name} serves no HTTP: {probes} would ask nobody"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_deployment_has_a_disruption_budget_that_lets_nodes_drain(path: Path) -> None:
    target = rendered(path)
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in target.of("HorizontalPodAutoscaler")}
    for name, (deployment, _) in deployments(target).items():
        budgets = [
            b for b in target.of("PodDisruptionBudget") if selects(b["spec"]["selector"], pod_labels(deployment))
        ]
        assert len(budgets) == 1, f"Deployment {name}: expected one PodDisruptionBudget, found {len(budgets)}"
        spec = budgets[0]["spec"]
        replicas = hpas[name]["spec"]["minReplicas"] if name in hpas else deployment["spec"].get("replicas", 1)
        if "maxUnavailable" in spec:
            assert int(spec["maxUnavailable"]) >= 1, f"PodDisruptionBudget of {name} blocks every drain"
        else:
            assert int(spec["minAvailable"]) < replicas, f"PodDisruptionBudget of {name} blocks every drain"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_ingest_scales_with_an_autoscaler(path: Path) -> None:
    target = rendered(path)
    ingest = [name for name, (_, run) in deployments(target).items() if "ingest" in run.http_services]
    hpas = [h for h in target.of("HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] in ingest]
    assert len(ingest) == 1 and len(hpas) == 1, f"{target_id(path)}: one HorizontalPodAutoscaler for ingest"
    spec = hpas[0]["spec"]
    assert spec["scaleTargetRef"]["kind"] == "Deployment" and spec["scaleTargetRef"]["apiVersion"] == "apps/v1"
    assert 2 <= spec["minReplicas"] <= spec["maxReplicas"], "ingest: at least two replicas, for failover"
    deployment = target.get("Deployment", ingest[0])
    assert deployment is not None and "replicas" not in deployment["spec"], (
        "Deployment ingest sets `replicas`: every apply would reset what the autoscaler chose"
    )
    container = pod_spec(deployment)["containers"][0]
    for metric in spec["metrics"]:
        if metric["type"] == "Resource":
            resource = metric["resource"]["name"]
            assert container["resources"]["requests"].get(resource), f"ingest scales on {resource}: request it"


# ---------------------------------------------------------------- the notifier


def notifier_routing(target: Rendered, workload: dict[str, Any], container: dict[str, Any]) -> tuple[str, str]:
    """(where, text) of the routing file ``notifier run --config`` reads, from the ConfigMap mounted there."""
    config = run_of(target, workload, container).params.get("config")
    here = where(target, workload, container)
    assert config, f"{here}: pass the routing as `notifier run --config FILE`"
    volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        if str(config).startswith(mount["mountPath"].rstrip("/") + "/"):
            source = volumes[mount["name"]].get("configMap")
            assert source, f"{here}: {config} must come from a ConfigMap"
            cm = target.get("ConfigMap", source["name"])
            key = str(config)[len(mount["mountPath"].rstrip("/")) + 1 :]
            assert cm is not None and key in cm.get("data", {}), f"{here}: ConfigMap {source['name']} has no {key}"
            return f"ConfigMap {source['name']} {key}", cm["data"][key]
    pytest.fail(f"{here}: --config {config} is not in any mounted volume")


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_the_notifier_reads_a_valid_routing_and_has_its_receivers_secrets(path: Path) -> None:
    from services.notifier.config import env_names, load_config

    target = rendered(path)
    for name, (deployment, run) in deployments(target).items():
        if run.name == "notifier run":
            container = pod_spec(deployment)["containers"][0]
            source, text = notifier_routing(target, deployment, container)
            routing = load_config(text, source)  # raises with line and column
            env = environment(target, deployment, container)
            for variable in env_names(routing):
                assert variable in env and env[variable].source == "secret", (
                    f"Deployment {name}: a receiver needs {variable}; give it from the Secret"
                )


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_everything_that_sends_mail_has_the_mail_relay(path: Path) -> None:
    target = rendered(path)
    for name, (deployment, run) in deployments(target).items():
        if run.name == "notifier run" or "hackathon" in run.http_services:
            env = environment(target, deployment, pod_spec(deployment)["containers"][0])
            assert env.get(f"{PREFIX}SMTP_HOST") and env[f"{PREFIX}SMTP_HOST"].value, f"Deployment {name}: SMTP host"
            assert f"{PREFIX}SMTP_PASSWORD" in env, f"Deployment {name}: the relay's password (optional key)"


# ---------------------------------------------------------------- Kafka: Strimzi and the contracts' topics


@pytest.mark.parametrize("path", OVERLAYS, ids=target_id)
def test_kafka_is_replicated_three_times_with_two_in_sync(path: Path) -> None:
    target = rendered(path)
    config = target.config_data()
    assert config[f"{PREFIX}TOPIC_REPLICATION_FACTOR"] == "3", "production topics need replication factor 3"
    assert config[f"{PREFIX}KAFKA_IDEMPOTENCE"] == "on", "production producers must be idempotent"
    clusters = target.of("Kafka")
    if not clusters:
        return  # an external cluster: its operator sets min.insync.replicas
    assert len(clusters) == 1
    kafka = clusters[0]
    name = kafka["metadata"]["name"]
    broker = kafka["spec"]["kafka"]
    settings = {k: str(v) for k, v in broker.get("config", {}).items()}
    for key, value in {"min.insync.replicas": "2", "default.replication.factor": "3",
                       "offsets.topic.replication.factor": "3", "transaction.state.log.replication.factor": "3",
                       "transaction.state.log.min.isr": "2", "auto.create.topics.enable": "False"}.items():  # fmt: skip
        assert settings.get(key, "").lower() == value.lower(), f"Kafka {name}: {key} must be {value}"
    pools = [p for p in target.of("KafkaNodePool") if p["metadata"]["labels"]["strimzi.io/cluster"] == name]
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    assert brokers >= 3 and controllers >= 3 and controllers % 2 == 1, f"Kafka {name}: {brokers} brokers, {controllers}"
    # The clients speak plain Kafka (the settings have no TLS or SASL): the bootstrap must be a plain listener.
    plain = {
        listener["port"] for listener in broker["listeners"] if not listener["tls"] and listener["type"] == "internal"
    }
    assert kafka_bootstrap(target) == [(f"{name}-kafka-bootstrap", port) for port in plain], (
        f"{PREFIX}KAFKA_BOOTSTRAP_SERVERS must be Kafka {name}'s bootstrap on its plain listener {sorted(plain)}"
    )
    for listener in broker["listeners"]:
        assert listener.get("networkPolicyPeers"), f"Kafka {name}: listener {listener['name']} open to every pod"
        for peer in listener["networkPolicyPeers"]:
            assert any(selects(peer.get("podSelector", {}), pod_labels(w)) for w in target.workloads())


class RecordingAdmin:
    """Stands in for aiokafka's admin client: a broker with no topics that records what it is asked to create."""

    created: ClassVar[dict[str, Any]] = {}

    def __init__(self, **kwargs: Any) -> None:
        pass

    async def start(self) -> None:
        pass

    async def list_topics(self) -> list[str]:
        return []

    async def create_topics(self, new: list[Any], *args: Any, **kwargs: Any) -> None:
        self.created.update({t.name: t for t in new})

    async def close(self) -> None:
        pass


async def topics_create_makes(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `stadtstimme topics create` (``shared.kafka.ensure_topics``) creates on an empty broker."""
    import shared.kafka

    monkeypatch.setattr(RecordingAdmin, "created", {})
    monkeypatch.setattr(shared.kafka, "AIOKafkaAdminClient", RecordingAdmin)
    await shared.kafka.ensure_topics(settings)
    return RecordingAdmin.created


@pytest.mark.parametrize("path", OVERLAYS, ids=target_id)
async def test_kafka_topics_are_what_topics_create_makes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The KafkaTopic resources and the setup job's `topics create` make the same topics (the contracts' names,
    retention and clean-up policy; the settings' partitions and replicas), whichever of them comes first."""
    target = rendered(path)
    clusters = [k["metadata"]["name"] for k in target.of("Kafka")]
    if not clusters:
        pytest.skip(f"{target_id(path)} uses an external Kafka cluster: `stadtstimme topics create` makes the topics")
    config = target.config_data()
    settings = Settings(**{SETTINGS_VARS[k]: v for k, v in config.items() if k in SETTINGS_VARS})
    expected = await topics_create_makes(settings, monkeypatch)
    assert set(expected) == {topic_name(t, settings.topic_prefix) for t in TOPICS}
    declared = {t["spec"].get("topicName", t["metadata"]["name"]): t for t in target.of("KafkaTopic")}
    assert set(declared) == set(expected), (
        f"KafkaTopics {sorted(set(declared) - set(expected))} are not in the contracts; "
        f"{sorted(set(expected) - set(declared))} are missing"
    )
    for name, resource in declared.items():
        made, spec = expected[name], resource["spec"]
        assert resource["metadata"]["labels"]["strimzi.io/cluster"] in clusters, f"KafkaTopic {name}: which cluster?"
        assert spec["partitions"] == made.num_partitions, (
            f"KafkaTopic {name}: {spec['partitions']} partitions, `topics create` makes {made.num_partitions}"
        )
        assert spec["replicas"] == made.replication_factor == 3, (
            f"KafkaTopic {name}: {spec['replicas']} replicas, `topics create` makes {made.replication_factor}"
        )
        actual = {k: str(v) for k, v in spec.get("config", {}).items()}
        for key, value in made.topic_configs.items():
            assert actual.get(key) == str(value), f"KafkaTopic {name}: {key} is {actual.get(key)}, not {value}"
        assert actual.get("min.insync.replicas") == "2", f"KafkaTopic {name}: min.insync.replicas must be 2"


# ---------------------------------------------------------------- the ingress and the Caddyfile


def ingress_route(ingress: dict[str, Any], path: str) -> str | None:
    """The Service an Ingress sends ``path`` to: the longest matching path, Exact before Prefix (Kubernetes' rule)."""
    best: tuple[int, int, str] | None = None
    for rule in ingress["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            prefix = p["path"].rstrip("/")
            hit = path == p["path"] if p["pathType"] == "Exact" else path == prefix or path.startswith(prefix + "/")
            if hit:
                rank = (len(p["path"]), p["pathType"] == "Exact", p["backend"]["service"]["name"])
                best = max(best, rank) if best else rank
    return best[2] if best else None


def caddy_samples(matcher: str) -> list[str]:
    """Paths a Caddy path matcher takes: itself without `*`, and one below it."""
    stem = matcher.rstrip("*")
    return [stem.rstrip("/") or "/", stem.rstrip("/") + "/x"] if matcher.endswith("*") else [matcher]


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_the_ingress_routes_every_path_as_the_caddyfile_does(path: Path) -> None:
    target = rendered(path)
    ingresses = target.of("Ingress")
    assert len(ingresses) == 1, f"{target_id(path)}: one Ingress, the public entry point"
    ingress = ingresses[0]
    caddy = parse_caddyfile()
    for handle in caddy.handles:
        if not handle.upstreams or handle.matcher is None or handle.rewrite:
            continue  # Caddy's own answers, and /readyz/<service> (the cluster asks each pod itself)
        upstream = handle.upstreams[0].removeprefix("http://").rpartition(":")[0]
        for sample in caddy_samples(handle.matcher):
            if sample.rstrip("/") + "/" == handle.matcher.rstrip("*") and handle.matcher.endswith("/*"):
                continue  # `/widget/*` does not take `/widget` itself
            assert ingress_route(ingress, sample) == upstream, (
                f"the Caddyfile sends {sample} to {upstream}, the Ingress to {ingress_route(ingress, sample)}"
            )
    for rule in ingress["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            # What the Ingress path takes: itself (Exact), or a path below it (Prefix; the prefix itself may be a
            # 404 at Caddy, as `/widget` is, which the service answers alike).
            sample = p["path"] if p["pathType"] == "Exact" else p["path"].rstrip("/") + "/x"
            handle = caddy.route(sample)
            upstreams = [u.removeprefix("http://").rpartition(":")[0] for u in handle.upstreams] if handle else []
            assert upstreams == [p["backend"]["service"]["name"]] and handle and not handle.rewrite, (
                f"the Ingress sends {sample} to {p['backend']['service']['name']}, the Caddyfile to {upstreams}"
            )


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
@pytest.mark.parametrize(("public", "http_service"), PUBLIC_ROUTES.items())
def test_the_ingress_sends_public_paths_to_the_service_that_answers_them(
    path: Path, public: str, http_service: str
) -> None:
    if public.startswith("/readyz/"):
        pytest.skip("in a cluster each pod's readiness is asked by the kubelet, not through the ingress")
    target = rendered(path)
    service_name = ingress_route(target.of("Ingress")[0], public)
    assert service_name, f"the Ingress does not route {public}"
    service = target.get("Service", service_name)
    assert service is not None, f"the Ingress sends {public} to Service {service_name}, which does not exist"
    served = [
        run.http_services
        for d, run in deployments(target).values()
        if selects({"matchLabels": service["spec"]["selector"]}, pod_labels(d))
    ]
    assert served == [{http_service}], f"{public} reaches {served}, not {http_service}"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_the_ingress_backends_are_service_ports(path: Path) -> None:
    target = rendered(path)
    for rule in target.of("Ingress")[0]["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            backend = p["backend"]["service"]
            service = target.get("Service", backend["name"])
            assert service is not None, f"the Ingress sends {p['path']} to Service {backend['name']}, which is missing"
            ports = service["spec"]["ports"]
            assert any(
                backend["port"].get("name", object()) == sp.get("name") or backend["port"].get("number") == sp["port"]
                for sp in ports
            ), (  # fmt: skip
                f"the Ingress sends {p['path']} to port {backend['port']} of Service {backend['name']}: no such port"
            )


@pytest.mark.parametrize("path", OVERLAYS, ids=target_id)
def test_the_city_is_served_over_https_at_its_public_url(path: Path) -> None:
    target = rendered(path)
    base_url = urlsplit(target.config_data()[f"{PREFIX}PUBLIC_BASE_URL"])
    assert base_url.scheme == "https", f"{PREFIX}PUBLIC_BASE_URL must be https in a city, not {base_url.geturl()}"
    ingress = target.of("Ingress")[0]
    hosts = {rule.get("host") for rule in ingress["spec"]["rules"]}
    assert hosts == {base_url.hostname}, f"the Ingress serves {hosts}, the public base URL is {base_url.hostname}"
    tls = {h for entry in ingress["spec"].get("tls", []) for h in entry.get("hosts", [])}
    assert base_url.hostname in tls, f"the Ingress has no TLS certificate for {base_url.hostname}"
    assert ingress["spec"].get("ingressClassName"), "name the cluster's ingress class"


# ---------------------------------------------------------------- network policies


@dataclass(frozen=True)
class Peer:
    """Where a connection goes to or comes from: a pod (its labels and its namespace's) or an address."""

    labels: tuple[tuple[str, str], ...] = ()
    namespace: tuple[tuple[str, str], ...] = ()
    ip: str | None = None


def peer_matches(rule_peer: dict[str, Any], peer: Peer, own_namespace: dict[str, str]) -> bool:
    if "ipBlock" in rule_peer:
        if peer.ip is None:
            return False
        address = ipaddress.ip_address(peer.ip)
        block = rule_peer["ipBlock"]
        return address in ipaddress.ip_network(block["cidr"]) and not any(
            address in ipaddress.ip_network(e) for e in block.get("except", [])
        )
    if peer.ip is not None:
        return False
    namespace = dict(peer.namespace)
    if "namespaceSelector" in rule_peer:
        if not selects(rule_peer["namespaceSelector"], namespace):
            return False
    elif namespace != own_namespace:
        return False
    return selects(rule_peer.get("podSelector", {}), dict(peer.labels))


def port_allowed(rule: dict[str, Any], port: int, name: str | None, protocol: str) -> bool:
    if not rule.get("ports"):
        return True
    for p in rule["ports"]:
        if p.get("protocol", "TCP") != protocol:
            continue
        if "port" not in p or p["port"] == port or (name is not None and p["port"] == name):
            return True
        if isinstance(p["port"], int) and p.get("endPort") and p["port"] <= port <= p["endPort"]:
            return True
    return False


def allowed(
    target: Rendered, pod: dict[str, str], direction: str, peer: Peer, port: int, name: str | None = None,
    protocol: str = "TCP",
) -> bool:  # fmt: skip
    """Whether the network policies let ``pod`` connect to ``peer`` (Egress) or be reached from it (Ingress)."""
    own = {"kubernetes.io/metadata.name": target.namespace}
    policies = [p for p in target.of("NetworkPolicy") if selects(p["spec"]["podSelector"], pod)]
    isolating = [p for p in policies if direction in p["spec"].get("policyTypes", ["Ingress"])]
    if not isolating:
        return True
    key, peers = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    for policy in isolating:
        for rule in policy["spec"].get(key, []):
            if port_allowed(rule, port, name, protocol) and (
                not rule.get(peers) or any(peer_matches(rp, peer, own) for rp in rule[peers])
            ):
                return True
    return False


def egress_to_addresses(target: Rendered, pod: dict[str, str], port: int) -> list[str]:
    """The address blocks a pod may reach on ``port``."""
    found = []
    for policy in target.of("NetworkPolicy"):
        if selects(policy["spec"]["podSelector"], pod) and "Egress" in policy["spec"].get("policyTypes", []):
            for rule in policy["spec"].get("egress", []):
                if port_allowed(rule, port, None, "TCP"):
                    found += [rp["ipBlock"]["cidr"] for rp in rule.get("to", []) if "ipBlock" in rp]
    return found


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_pod_is_isolated_both_ways(path: Path) -> None:
    target = rendered(path)
    for workload in target.workloads():
        pod = pod_labels(workload)
        types = {
            t
            for p in target.of("NetworkPolicy")
            if selects(p["spec"]["podSelector"], pod)
            for t in p["spec"].get("policyTypes", [])
        }
        assert types >= {"Ingress", "Egress"}, f"{where(target, workload)}: no policy isolates it ({sorted(types)})"
        anywhere = Peer(labels=(("any", "pod"),), namespace=(("kubernetes.io/metadata.name", "elsewhere"),))
        assert not allowed(target, pod, "Egress", anywhere, 8080), f"{where(target, workload)} reaches any pod"
        assert not allowed(target, pod, "Egress", Peer(ip="10.99.0.1"), 5432 + 1), f"{where(target, workload)}"


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_only_the_ingress_controller_reaches_the_http_services(path: Path) -> None:
    target = rendered(path)
    for policy in target.of("NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []):
            assert rule.get("from"), f"NetworkPolicy {policy['metadata']['name']} admits connections from anywhere"
            for rp in rule["from"]:
                assert "ipBlock" not in rp and "namespaceSelector" in rp, (
                    f"NetworkPolicy {policy['metadata']['name']}: admit the ingress controller's namespace only"
                )
    controllers = {
        tuple(sorted(rp["namespaceSelector"].get("matchLabels", {}).items()))
        for p in target.of("NetworkPolicy")
        for rule in p["spec"].get("ingress", [])
        for rp in rule["from"]
    }
    assert len(controllers) == 1, f"{target_id(path)}: the HTTP services admit several namespaces {controllers}"
    controller = Peer(labels=(("app", "ingress-controller"),), namespace=controllers.pop())
    stranger = Peer(labels=(("app", "other"),), namespace=(("kubernetes.io/metadata.name", "elsewhere"),))
    for name, (deployment, run) in deployments(target).items():
        pod = pod_labels(deployment)
        port = (pod_spec(deployment)["containers"][0].get("ports") or [{"containerPort": 8080, "name": "http"}])[0]
        reach = allowed(target, pod, "Ingress", controller, port["containerPort"], port.get("name"))
        assert reach == bool(run.http_services), (
            f"Deployment {name}: the ingress controller {'cannot reach' if run.http_services else 'reaches'} it"
        )
        assert not allowed(target, pod, "Ingress", stranger, port["containerPort"], port.get("name"))
    for job in target.of("Job"):
        assert not allowed(target, pod_labels(job), "Ingress", controller, 8080, "http"), where(target, job)


@pytest.mark.parametrize("path", TARGETS, ids=target_id)
def test_every_process_reaches_what_it_needs(path: Path) -> None:
    target = rendered(path)
    config = target.config_data()
    dns = Peer(labels=(("k8s-app", "kube-dns"),), namespace=(("kubernetes.io/metadata.name", "kube-system"),))
    own = (("kubernetes.io/metadata.name", target.namespace),)
    clusters = {k["metadata"]["name"] for k in target.of("Kafka")}
    for workload in target.workloads():
        pod = pod_labels(workload)
        here = where(target, workload)
        assert allowed(target, pod, "Egress", dns, 53, protocol="UDP"), f"{here}: cannot resolve names (DNS)"
        envs = [environment(target, workload, c) for c in containers(workload)]
        runs = [run_of(target, workload, c).name for c in containers(workload)]
        for host, port in kafka_bootstrap(target):
            cluster = host.removesuffix("-kafka-bootstrap")
            if cluster in clusters:
                broker = Peer(labels=(("strimzi.io/cluster", cluster), ("strimzi.io/kind", "Kafka")), namespace=own)
                assert allowed(target, pod, "Egress", broker, port), f"{here}: cannot reach Kafka {cluster}"
            elif path != BASE:
                assert egress_to_addresses(target, pod, port), f"{here}: cannot reach the Kafka brokers at {host}"
        if any(f"{PREFIX}DATABASE_URL" in env for env in envs):
            assert egress_to_addresses(target, pod, POSTGRES_PORT), f"{here}: cannot reach PostgreSQL"
        if "notifier run" in runs or any("hackathon" in r for r in runs):
            smtp = int(config.get(f"{PREFIX}SMTP_PORT", Settings.model_fields["smtp_port"].default))
            assert egress_to_addresses(target, pod, smtp), f"{here}: cannot reach the mail relay on port {smtp}"
        if "notifier run" in runs:
            # Webhooks, MS Teams and Matrix: public HTTPS; never the city's own networks or a metadata service.
            assert allowed(target, pod, "Egress", Peer(ip="203.0.113.7"), 443), f"{here}: cannot reach webhooks"
            for inside in ("10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "127.0.0.1"):
                assert not allowed(target, pod, "Egress", Peer(ip=inside), 443), f"{here}: reaches {inside}:443"
        if any(run.startswith("serve analytics") for run in runs) and config.get(f"{PREFIX}OIDC_ISSUER"):
            assert egress_to_addresses(target, pod, 443), f"{here}: cannot reach the identity provider"


@pytest.mark.parametrize("path", OVERLAYS, ids=target_id)
def test_the_city_sets_its_own_addresses(path: Path) -> None:
    """The base's placeholders (documentation addresses, the namespace `ingress`) are all replaced, and the services
    trust forwarded headers from the ingress controller's addresses only (finding 5 of the penetration test)."""
    target = rendered(path)
    for policy in target.of("NetworkPolicy"):
        for rule in [*policy["spec"].get("egress", []), *policy["spec"].get("ingress", [])]:
            for rp in [*rule.get("to", []), *rule.get("from", [])]:
                if "ipBlock" in rp:
                    net = ipaddress.ip_network(rp["ipBlock"]["cidr"])
                    assert not any(net.subnet_of(d) for d in DOCUMENTATION_NETS), (  # type: ignore[arg-type]
                        f"NetworkPolicy {policy['metadata']['name']}: set the city's address instead of {net}"
                    )
                labels = rp.get("namespaceSelector", {}).get("matchLabels", {})
                assert labels.get("kubernetes.io/metadata.name") != "ingress", "set the ingress controller's namespace"
    trusted = target.config_data()[f"{PREFIX}FORWARDED_ALLOW_IPS"]
    networks = [ipaddress.ip_network(n.strip()) for n in trusted.split(",")]  # '*' or a name fails here
    assert all(not n.is_loopback for n in networks), (
        f"{PREFIX}FORWARDED_ALLOW_IPS={trusted}: trust the ingress controller's pods (else all share one bucket)"
    )
