#!/usr/bin/env bash
# Tests the image's start hook, docker/before-notebook.d/50-gotensor-notebooks, by running it as docker-stacks'
# start.sh does (as root and as an unprivileged user) on scratch home directories, with the repository's
# notebooks as the image's /opt/gotensor/notebooks. Docker cannot run here; this is the part of the image's
# start that can. Also checks that the Dockerfile installs the hook and the notebooks where the hook looks.
# usage: bash tests/docker/hook_test.sh   (from anywhere; exits non-zero on the first failure)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
hook=$repo/docker/before-notebook.d/50-gotensor-notebooks
work=$(mktemp -d)
chmod 755 "$work" # the unprivileged run below reads the source from here
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# The image's source folder, as the Dockerfile fills it: notebooks/*.ipynb.
src=$work/opt/gotensor/notebooks
mkdir -p "$src"
cp "$repo"/notebooks/*.ipynb "$src"/
n=$(find "$src" -type f | wc -l)
[ "$n" -ge 4 ] || fail "expected the tutorial notebooks in $repo/notebooks, found $n"

# run_hook HOME [VAR=VALUE...]: runs the hook as the current user with a given HOME, extra environment.
run_hook() {
  local home=$1
  shift
  env -i PATH="$PATH" HOME="$home" GOTENSOR_NOTEBOOKS_SRC="$src" "$@" "$hook"
}

# --- the Dockerfile and the hook agree ---------------------------------------------------------------------
grep -q '^src=${GOTENSOR_NOTEBOOKS_SRC:-/opt/gotensor/notebooks}$' "$hook" ||
  fail "the hook's default source is not /opt/gotensor/notebooks"
grep -Eq '^COPY notebooks/\*\.ipynb /opt/gotensor/notebooks/$' "$repo/Dockerfile" ||
  fail "the Dockerfile does not copy notebooks/*.ipynb to /opt/gotensor/notebooks/"
grep -Eq '^COPY --chmod=0755 docker/before-notebook\.d/50-gotensor-notebooks /usr/local/bin/before-notebook\.d/$' "$repo/Dockerfile" ||
  fail "the Dockerfile does not install the hook, executable, in /usr/local/bin/before-notebook.d/"
case $(basename "$hook") in
  *.sh) fail "the hook must not end in .sh: start.sh would source it into its own shell" ;;
esac
[ -x "$hook" ] || fail "$hook is not executable"
pass "Dockerfile installs the hook and the notebooks where the hook looks"

# --- a fresh (volume-mounted, empty) home as an unprivileged user --------------------------------------------
# start.sh runs the hooks as the notebook user when the container does not start as root (Zero to JupyterHub).
if [ "$(id -u)" = 0 ]; then
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
  as_user() { "$@"; }
fi
uhome=$work/home-user
mkdir -p "$uhome"
[ "$(id -u)" != 0 ] || chown 65534:65534 "$uhome"
out=$(as_user env -i PATH="$PATH" HOME="$uhome" GOTENSOR_NOTEBOOKS_SRC="$src" "$hook")
for f in "$src"/*.ipynb; do
  cmp -s "$f" "$uhome/notebooks/$(basename "$f")" || fail "fresh home: $(basename "$f") not copied intact: $out"
done
[[ $out == *"copied $n missing tutorial(s) into $uhome/notebooks"* ]] || fail "fresh home: log says $out"
if [ "$(id -u)" = 0 ]; then
  [ "$(stat -c %u "$uhome/notebooks/01-fundamentals.ipynb")" = 65534 ] || fail "unprivileged copy not owned by the user"
fi
pass "fresh home, unprivileged: all $n tutorials copied"

# --- a student's edits survive; a deleted tutorial and one new in the image come back ------------------------
echo '{"edited": "by the student"}' > "$uhome/notebooks/01-fundamentals.ipynb"
rm "$uhome/notebooks/02-tensor-basics-autograd.ipynb"
mkdir "$uhome/notebooks/04-gpu.ipynb.d"
ln -s /nonexistent "$uhome/notebooks/dangling.ipynb"
cp "$src/04-gpu.ipynb" "$src/05-new-in-image.ipynb"
cp "$src/04-gpu.ipynb" "$src/dangling.ipynb"
[ "$(id -u)" != 0 ] || chown -R 65534:65534 "$uhome"
out=$(as_user env -i PATH="$PATH" HOME="$uhome" GOTENSOR_NOTEBOOKS_SRC="$src" "$hook")
grep -q '"edited": "by the student"' "$uhome/notebooks/01-fundamentals.ipynb" || fail "the student's edit was overwritten"
cmp -s "$src/02-tensor-basics-autograd.ipynb" "$uhome/notebooks/02-tensor-basics-autograd.ipynb" ||
  fail "a deleted tutorial was not restored"
cmp -s "$src/05-new-in-image.ipynb" "$uhome/notebooks/05-new-in-image.ipynb" || fail "a tutorial new in the image was not copied"
[ -L "$uhome/notebooks/dangling.ipynb" ] || fail "a student's symlink was replaced"
[[ $out == *"copied 2 missing tutorial(s)"* ]] || fail "second start: log says $out"
rm "$src/05-new-in-image.ipynb" "$src/dangling.ipynb"
pass "restart: edits kept, deleted and new tutorials copied, nothing else touched"

# --- as root (a container started with --user root, as GRANT_SUDO and NB_UID need): the copies belong to
# NB_UID:NB_GID, a subfolder the hook creates included.
if [ "$(id -u)" = 0 ]; then
  rhome=$work/root-home
  mkdir -p "$src/data" "$rhome"
  echo "1,2" > "$src/data/points.csv"
  out=$(run_hook /root NB_USER=ignored NB_UID=4242 NB_GID=4343 GOTENSOR_NOTEBOOKS_DEST="$rhome/notebooks")
  for f in notebooks notebooks/01-fundamentals.ipynb notebooks/data notebooks/data/points.csv; do
    [ "$(stat -c %u:%g "$rhome/$f")" = 4242:4343 ] || fail "as root: $f is owned by $(stat -c %u:%g "$rhome/$f"), want 4242:4343"
  done
  rm -r "$src/data"
  pass "as root: copies belong to NB_UID:NB_GID"
else
  echo "skip: as root (not root here)"
fi

# --- nothing stops the server from starting --------------------------------------------------------------------
blocked=$work/blocked
touch "$blocked" # a file where the home directory should be: nothing can be created under it
if ! out=$(run_hook "$blocked" GOTENSOR_NOTEBOOKS_DEST="$blocked/notebooks" 2>&1); then fail "the hook failed the start when it could not copy: $out"; fi
[[ $out == *"WARNING: cannot create $blocked/notebooks"* && $out == *"$n could not be copied"* ]] ||
  fail "unwritable home: log says $out"
out=$(env -i PATH="$PATH" HOME="$uhome" GOTENSOR_NOTEBOOKS_SRC="$work/none" "$hook") || fail "missing source failed the start"
[[ $out == *"nothing to copy"* ]] || fail "missing source: log says $out"
pass "an unwritable home or a missing source is reported, and the start goes on"

echo "hook_test: all passed"
