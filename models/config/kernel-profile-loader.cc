// SPDX-License-Identifier: GPL-2.0-only
#include "models/config/kernel-profile-loader.h"

#include "models/config/toml-input.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <utility>
#include <algorithm>
#include <vector>

namespace sim
{

static std::array<int, 3>
Triple(TomlReader& t, const std::string& key, std::array<int, 3> fallback)
{
    if (!t.Has(key))
    {
        return fallback;
    }
    const std::vector<int64_t> v = t.IntegerList(key, 0, INT32_MAX);
    if (v.size() != 3)
    {
        t.Fail(key, fmt::format("expected 3 values (min, default, max), got {}", v.size()));
    }
    return {static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2])};
}

// A time key in microseconds (0 to a second), kept in nanoseconds; `ns` when absent
static int64_t
MicrosAsNs(TomlReader& t, const std::string& key, int64_t ns)
{
    return static_cast<int64_t>(t.Number(key, 0, 1e6, static_cast<double>(ns) / 1e3) * 1e3);
}

// A string key naming one of a few choices; the first is the default
template <typename T>
static T
OneOf(TomlReader& t, const std::string& key, const std::vector<std::pair<std::string, T>>& choices)
{
    const std::string v = t.String(key, choices.front().first);
    std::string names;
    for (const auto& [name, value] : choices)
    {
        if (v == name)
        {
            return value;
        }
        names += (names.empty() ? "\"" : " or \"") + name + "\"";
    }
    t.Fail(key, fmt::format("'{}': expected {}", v, names));
}

KernelProfile
LoadKernelProfile(const std::string& name_or_path, const std::string& root)
{
    namespace fs = std::filesystem;
    std::string path = name_or_path;
    if (path.find('/') == std::string::npos && path.find(".toml") == std::string::npos)
    {
        path = (fs::path(root) / "models" / "profiles" / (name_or_path + ".toml")).string();
        // Not the throwing fs::exists(): a name too long for a file name is an unknown
        // profile, not a filesystem_error (found by tests/fuzz)
        std::error_code ec;
        if (!fs::exists(path, ec))
        {
            // sorted: the folder's order differs from one file system to the next
            std::vector<std::string> known;
            for (const auto& e : fs::directory_iterator(fs::path(root) / "models" / "profiles"))
            {
                if (e.path().extension() == ".toml")
                {
                    known.push_back(e.path().stem().string());
                }
            }
            std::sort(known.begin(), known.end());
            throw InputError(OneLine(fmt::format("unknown kernel profile '{}' (profiles: {})", name_or_path,
                                                 fmt::join(known, ", "))));
        }
    }
    const toml::table doc = ParseTomlFile(path);
    TomlReader top(doc, path);
    KernelProfile p;
    p.name = top.String("name");
    top.String("description", "");

    TomlReader s = top.Table("sysctl");
    p.tcp_rmem = Triple(s, "net.ipv4.tcp_rmem", p.tcp_rmem);
    p.tcp_wmem = Triple(s, "net.ipv4.tcp_wmem", p.tcp_wmem);
    p.tcp_adv_win_scale = static_cast<int>(s.Integer("net.ipv4.tcp_adv_win_scale", -31, 31, p.tcp_adv_win_scale));
    p.tcp_app_win = static_cast<int>(s.Integer("net.ipv4.tcp_app_win", 0, 31, p.tcp_app_win));
    p.tcp_timestamps = s.Integer("net.ipv4.tcp_timestamps", 0, 2, p.tcp_timestamps) != 0;
    p.tcp_sack = s.Integer("net.ipv4.tcp_sack", 0, 1, p.tcp_sack) != 0;
    p.tcp_window_scaling = s.Integer("net.ipv4.tcp_window_scaling", 0, 1, p.tcp_window_scaling) != 0;
    p.tcp_workaround_signed_windows =
        s.Integer("net.ipv4.tcp_workaround_signed_windows", 0, 1, p.tcp_workaround_signed_windows) != 0;
    p.tcp_autocorking = s.Integer("net.ipv4.tcp_autocorking", 0, 1, p.tcp_autocorking) != 0;
    p.tcp_backlog_ack_defer = s.Integer("net.ipv4.tcp_backlog_ack_defer", 0, 1, p.tcp_backlog_ack_defer) != 0;
    p.tcp_moderate_rcvbuf = s.Integer("net.ipv4.tcp_moderate_rcvbuf", 0, 1, p.tcp_moderate_rcvbuf) != 0;
    p.tcp_fin_timeout = static_cast<int>(s.Integer("net.ipv4.tcp_fin_timeout", 1, 3600, p.tcp_fin_timeout));
    p.rmem_max = static_cast<int>(s.Integer("net.core.rmem_max", 0, INT32_MAX, p.rmem_max));
    const auto pingpong_sysctl = s.OptionalInteger("net.ipv4.tcp_pingpong_thresh", 1, 255);
    p.wmem_max = static_cast<int>(s.Integer("net.core.wmem_max", 0, INT32_MAX, p.wmem_max));
    p.congestion_control = OneOf<CongestionControl>(
        s, "net.ipv4.tcp_congestion_control", {{"cubic", CongestionControl::Cubic}, {"bbr", CongestionControl::Bbr}});
    p.tcp_dsack = s.Integer("net.ipv4.tcp_dsack", 0, 1, p.tcp_dsack) != 0;
    p.tcp_early_retrans = static_cast<int>(s.Integer("net.ipv4.tcp_early_retrans", 0, 4, p.tcp_early_retrans));
    p.tcp_frto = static_cast<int>(s.Integer("net.ipv4.tcp_frto", 0, 2, p.tcp_frto));
    p.tcp_retries2 = static_cast<int>(s.Integer("net.ipv4.tcp_retries2", 0, 255, p.tcp_retries2));
    p.tcp_syn_retries = static_cast<int>(s.Integer("net.ipv4.tcp_syn_retries", 1, 127, p.tcp_syn_retries));
    p.tcp_syn_linear_timeouts =
        static_cast<int>(s.Integer("net.ipv4.tcp_syn_linear_timeouts", 0, 127, p.tcp_syn_linear_timeouts));
    p.tcp_synack_retries = static_cast<int>(s.Integer("net.ipv4.tcp_synack_retries", 0, 255, p.tcp_synack_retries));
    p.tcp_rto_min_us = static_cast<int>(s.Integer("net.ipv4.tcp_rto_min_us", 1000, 200000, p.tcp_rto_min_us));
    p.tcp_slow_start_after_idle =
        s.Integer("net.ipv4.tcp_slow_start_after_idle", 0, 1, p.tcp_slow_start_after_idle) != 0;
    p.tcp_tso_win_divisor = static_cast<int>(s.Integer("net.ipv4.tcp_tso_win_divisor", 0, 255, p.tcp_tso_win_divisor));
    p.tcp_comp_sack_nr = static_cast<int>(s.Integer("net.ipv4.tcp_comp_sack_nr", 0, 255, p.tcp_comp_sack_nr));
    p.tcp_min_tso_segs = static_cast<int>(s.Integer("net.ipv4.tcp_min_tso_segs", 1, 255, p.tcp_min_tso_segs));
    p.tcp_tso_rtt_log = static_cast<int>(s.Integer("net.ipv4.tcp_tso_rtt_log", 0, 255, p.tcp_tso_rtt_log));
    p.tcp_pacing_ss_ratio = static_cast<int>(s.Integer("net.ipv4.tcp_pacing_ss_ratio", 0, 1000, p.tcp_pacing_ss_ratio));
    p.tcp_pacing_ca_ratio = static_cast<int>(s.Integer("net.ipv4.tcp_pacing_ca_ratio", 0, 1000, p.tcp_pacing_ca_ratio));
    p.tcp_comp_sack_delay_ns = s.Integer("net.ipv4.tcp_comp_sack_delay_ns", 0, 1000000000, p.tcp_comp_sack_delay_ns);
    s.Finish();

    // the tcp_cubic module's parameters, by their names under
    // /sys/module/tcp_cubic/parameters/; beta below 1024 (BICTCP_BETA_SCALE) and
    // bic_scale above 0, as cubictcp_register() divides by both
    TomlReader cubic = top.Table("tcp_cubic");
    TcpCubicParams& c = p.tcp_cubic;
    c.fast_convergence = static_cast<int>(cubic.Integer("fast_convergence", 0, 1, c.fast_convergence));
    c.beta = static_cast<int>(cubic.Integer("beta", 1, 1023, c.beta));
    c.initial_ssthresh = static_cast<int>(cubic.Integer("initial_ssthresh", 0, INT32_MAX, c.initial_ssthresh));
    c.bic_scale = static_cast<int>(cubic.Integer("bic_scale", 1, 1 << 20, c.bic_scale));
    c.tcp_friendliness = static_cast<int>(cubic.Integer("tcp_friendliness", 0, 1, c.tcp_friendliness));
    c.hystart = static_cast<int>(cubic.Integer("hystart", 0, 1, c.hystart));
    c.hystart_detect = static_cast<int>(cubic.Integer("hystart_detect", 0, 3, c.hystart_detect));
    c.hystart_low_window = static_cast<int>(cubic.Integer("hystart_low_window", 0, INT32_MAX, c.hystart_low_window));
    c.hystart_ack_delta_us =
        static_cast<int>(cubic.Integer("hystart_ack_delta_us", 0, INT32_MAX, c.hystart_ack_delta_us));
    cubic.Finish();

    TomlReader k = top.Table("kernel");
    p.hz = static_cast<int>(k.Integer("hz", 100, 1000, p.hz));
    p.ts_offset = OneOf<TsOffsetPolicy>(k,
                        "ts_offset",
                        {{"per-address-pair", TsOffsetPolicy::PerAddressPair}, {"per-flow", TsOffsetPolicy::PerFlow}});
    if (pingpong_sysctl && k.Has("tcp_pingpong_thresh"))
    {
        k.Fail("tcp_pingpong_thresh", "given twice: a sysctl (6.x) or a kernel constant (5.x), not both");
    }
    p.tcp_pingpong_thresh = static_cast<int>(
        pingpong_sysctl.value_or(k.Integer("tcp_pingpong_thresh", 1, 255, p.tcp_pingpong_thresh)));
    p.pingpong_first_reply_only = !pingpong_sysctl;
    p.win_from_space = OneOf<WinFromSpace>(k,
                             "win_from_space",
                             {{"adv_win_scale", WinFromSpace::AdvWinScale}, {"scaling_ratio", WinFromSpace::ScalingRatio}});
    p.drs = OneOf<Drs>(k, "drs", {{"5.x", Drs::Linux5}, {"6.16", Drs::Linux616}});
    p.quickack_counts_every_ack = k.Bool("quickack_counts_every_ack", p.quickack_counts_every_ack);
    p.skb_truesize_overhead =
        static_cast<int>(k.Integer("skb_truesize_overhead", 0, 65536, p.skb_truesize_overhead));
    p.max_tcp_header = static_cast<int>(k.Integer("max_tcp_header", 0, 4096, p.max_tcp_header));
    p.tcp_grow_skb = k.Bool("tcp_grow_skb", p.tcp_grow_skb);
    p.tcp_backlog_coalesce = k.Bool("tcp_backlog_coalesce", p.tcp_backlog_coalesce);
    k.Finish();

    TomlReader other = top.Table("non_linux");
    p.fixed_window = static_cast<uint32_t>(other.Integer("fixed_window", 0, 65535, p.fixed_window));
    p.delayed_ack = other.Bool("delayed_ack", p.delayed_ack);
    other.Finish();

    TomlReader lo = top.Table("loopback");
    p.loopback_mtu = static_cast<int>(lo.Integer("mtu", 68, 1 << 20, p.loopback_mtu));
    p.loopback_latency_ns = MicrosAsNs(lo, "latency_us", p.loopback_latency_ns);
    p.loopback_before_tap_ns = MicrosAsNs(lo, "before_tap_us", p.loopback_before_tap_ns);
    if (p.loopback_before_tap_ns > p.loopback_latency_ns)
    {
        lo.Fail("before_tap_us", "is part of latency_us and cannot be more");
    }
    p.loopback_send_runs_softirq = lo.Bool("send_runs_softirq", p.loopback_send_runs_softirq);
    p.loopback_softirq_wake_ns = MicrosAsNs(lo, "softirq_wake_us", p.loopback_softirq_wake_ns);
    if (lo.Has("midwrite_wake_us"))
    {
        p.loopback_midwrite_wake_ns = MicrosAsNs(lo, "midwrite_wake_us", 0);
    }
    lo.Finish();

    TomlReader sched = top.Table("scheduler");
    p.wakeup_latency_ns = MicrosAsNs(sched, "wakeup_latency_us", p.wakeup_latency_ns);
    p.hrtimer_latency_ns = MicrosAsNs(sched, "hrtimer_latency_us", p.hrtimer_latency_ns);
    p.flush_held_gap_ns = MicrosAsNs(sched, "flush_held_gap_us", p.flush_held_gap_ns);
    p.flush_held_gap_max_ns = MicrosAsNs(sched, "flush_held_gap_max_us", p.flush_held_gap_max_ns);
    p.flush_before_restart_ns = MicrosAsNs(sched, "flush_before_restart_us", p.flush_before_restart_ns);
    p.sendmsg_ns_per_kib = static_cast<int64_t>(sched.Integer("sendmsg_ns_per_kib", 0, 1000000, p.sendmsg_ns_per_kib));
    p.recvmsg_ns_per_kib = static_cast<int64_t>(sched.Integer("recvmsg_ns_per_kib", 0, 1000000, p.recvmsg_ns_per_kib));
    p.recvmsg_entry_ns = static_cast<int64_t>(sched.Integer("recvmsg_entry_ns", 0, 1000000, p.recvmsg_entry_ns));
    p.softirq_waits_for_woken_task = sched.Bool("softirq_waits_for_woken_task", p.softirq_waits_for_woken_task);
    sched.Finish();

    top.Finish();
    return p;
}

} // namespace sim

namespace sim
{

std::string
ProfileRoot()
{
    if (const char* r = std::getenv("SIM_ROOT"); r && *r)
    {
        return r;
    }
    return SIM_SOURCE_DIR;
}

} // namespace sim
