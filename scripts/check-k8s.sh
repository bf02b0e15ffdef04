#!/usr/bin/env bash
# Validates manifests/k8s/ against the Kubernetes API schemas of one pinned Kubernetes version,
# strictly (an unknown field is an error), with the kubernetes-validate package from PyPI,
# which bundles the schemas: nothing is fetched but the package itself.
#
# The package is installed into a virtual environment under target/, once per pinned version.
# kustomization.yaml has no Kubernetes schema; it is checked to list exactly the files here.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VERSION="${KUBERNETES_VERSION:-1.30.0}"
VALIDATE_VERSION="1.37.0"
MANIFESTS="manifests/k8s"
VENV="target/k8s-venv"

if [[ ! -f "$VENV/.kubernetes-validate-$VALIDATE_VERSION" ]]; then
    echo "installing kubernetes-validate $VALIDATE_VERSION into $VENV"
    rm -rf "$VENV"
    mkdir -p target
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "kubernetes-validate==$VALIDATE_VERSION"
    touch "$VENV/.kubernetes-validate-$VALIDATE_VERSION"
fi

failed=0
for file in "$MANIFESTS"/*.yaml; do
    [[ "$(basename "$file")" == kustomization.yaml ]] && continue
    # kubernetes-validate exits 0 when it has no schema for a kind (a mistyped apiVersion, say)
    # and only warns; here that is a failure too.
    if ! output="$("$VENV/bin/kubernetes-validate" --strict -k "$KUBERNETES_VERSION" "$file" 2>&1)" \
        || grep -q '^WARN' <<<"$output"; then
        failed=1
    fi
    echo "$output"
done

"$VENV/bin/python" - "$MANIFESTS" <<'PY' || failed=1
import pathlib, sys, yaml

folder = pathlib.Path(sys.argv[1])
kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
listed = set(kustomization.get("resources", []))
present = {p.name for p in folder.glob("*.yaml")} - {"kustomization.yaml"}
problems = [f"kustomization.yaml lists {name}, which does not exist" for name in sorted(listed - present)]
problems += [f"{name} is not listed in kustomization.yaml" for name in sorted(present - listed)]
for problem in problems:
    print(f"ERROR {folder}/{problem}")
if problems:
    sys.exit(1)
print(f"INFO {folder}/kustomization.yaml lists every manifest ({len(listed)})")
PY

if [[ "$failed" -ne 0 ]]; then
    echo "error: $MANIFESTS does not validate against Kubernetes $KUBERNETES_VERSION" >&2
    exit 1
fi
echo "$MANIFESTS: every manifest is valid for Kubernetes $KUBERNETES_VERSION"
