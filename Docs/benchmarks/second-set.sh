#!/usr/bin/env bash
# The second test set of Docs/BENCHMARKS.md: photos that are neither training nor Kodak images, from the sample data
# that ships inside scikit-image's wheel (so only PyPI is needed). Licences, from skimage/data/_fetchers.py:
# astronaut, hubble_deep_field (NASA, public domain), rocket (SpaceX, public domain), chelsea, coffee, camera,
# retina (CC0), coins (Brooklyn Museum, no known copyright restrictions). camera and coins are gray.
#   usage: Docs/benchmarks/second-set.sh OUTDIR
set -euo pipefail
out=${1:?usage: second-set.sh OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --no-deps --only-binary :all: scikit-image==0.26.0 -d "$tmp" -q
python3 - "$tmp" "$out" <<'PY'
import glob, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
for name in ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg",
             "camera.png", "coins.png"]:
    with open(os.path.join(sys.argv[2], name), "wb") as f:
        f.write(wheel.read("skimage/data/" + name))
    print(name)
PY
