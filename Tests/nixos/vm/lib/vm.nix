# The VM every dynix test runs in, shared by the test node and by the static
# configuration the VM rebuilds from (so both define the same file systems).
#
# Memory: an apply evaluates the whole NixOS configuration inside the VM
# (nixos-rebuild evaluates it too), and the test-instrumentation sets
# vm.panic_on_oom; 3072 MB left too little beside the page cache. The
# writable store's upper layer goes on the disk image instead of tmpfs, so
# what the VM builds does not count against the memory either.
{ ... }:
{
  virtualisation.memorySize = 4096;
  virtualisation.diskSize = 8192;
  virtualisation.cores = 2;
  virtualisation.writableStore = true;
  virtualisation.writableStoreUseTmpfs = false;
}
