# SPDX-License-Identifier: GPL-2.0-only
# Sourced by run-real.sh and run-own.sh: packetdrill's scripts change sysctls, so every
# net.ipv4.tcp_* and net.core.* value is saved first (sysctls_save) and can be put back
# (sysctls_restore); sysctls_restore is also run on exit.
sysctls_saved="$(mktemp)"
sysctl -a 2>/dev/null | grep -E '^net\.(ipv4\.tcp_|core\.)' >"$sysctls_saved"
sysctls_restore() {
    while IFS= read -r line; do
        key="${line%% =*}"
        case "$key" in
        net.ipv4.tcp_available_congestion_control | net.ipv4.tcp_fastopen_key) continue ;;
        esac
        sysctl -q -w "$key=${line#* = }" 2>/dev/null || true
    done <"$sysctls_saved"
}
trap 'sysctls_restore; rm -f "$sysctls_saved"' EXIT
