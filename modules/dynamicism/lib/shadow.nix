# No silent shadowing: after the dynamic evaluation, every entry's value must
# be the value at its path in the evaluated configuration. When it is not
# (a static lib.mkForce on an enclosing option, an `apply` function, a
# read-only option, another module computing the value), the run-time value
# would not be the value that runs, so the build is refused with an error
# naming the option, both values and the cause.
#
#   check { entries = [ { key; path; value; } ... ];
#           valueAt = path: <value in the evaluated configuration, or missing>;
#           causeOf = entry: "<why>"; }
#   => [ "<error>" ... ]
#   attrAt PATH SET => the value at PATH, or `missing`
# Builtins only.
let
  missing = { dynixMissing = true; };

  attrAt = path: set:
    if path == [ ] then set
    else if builtins.isAttrs set && set ? ${builtins.head path}
    then attrAt (builtins.tail path) set.${builtins.head path}
    else missing;

  show = v: if v == missing then "nothing (the option is not set)" else builtins.toJSON v;

  check = { entries, valueAt, causeOf }:
    map
      (e: "${e.key} = ${builtins.toJSON e.value} would not take effect: the evaluated configuration has ${show (valueAt e.path)}, because ${causeOf e}")
      (builtins.filter (e: valueAt e.path != e.value) entries);
in
{
  inherit missing attrAt check;
}
