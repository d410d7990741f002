# Managed by dynix. Append with `dynix append`; later entries win.
# History: `dynix log`. Hand edits: record them with `dynix adopt`.
[
  { services.a = 1; }
]
