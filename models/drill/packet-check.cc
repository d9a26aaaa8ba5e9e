// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/packet-check.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace sim::drill
{

std::string
CheckField(const char* name, uint32_t expected, uint32_t actual)
{
    if (expected == actual)
    {
        return "";
    }
    return fmt::format("live packet field {}: expected: {} ({:#x}) vs actual: {} ({:#x})", name, expected, expected,
                       actual, actual);
}

std::string
VerifyHeaders(const WirePacket& a, const WirePacket& s)
{
    // tcp_options_allowance(): with <...> the script packet takes the live options' size
    const uint32_t allowance = s.options_nocheck ? static_cast<uint32_t>(a.options.size()) : 0;
    const uint32_t s_tot = static_cast<uint32_t>(s.ip_tot_len) + allowance;
    std::string e;
    // verify_ipv4(), strict
    if (!(e = CheckField("ipv4_version", s.ip_version, a.ip_version)).empty() ||
        !(e = CheckField("ipv4_protocol", s.ip_protocol, a.ip_protocol)).empty() ||
        !(e = CheckField("ipv4_header_length", s.ip_ihl, a.ip_ihl)).empty() ||
        !(e = CheckField("ipv4_total_length", s_tot, a.ip_tot_len)).empty())
    {
        return e;
    }
    // verify_tcp(), strict
    const uint32_t s_doff = s.DataOffset() + allowance / 4;
    if (!(e = CheckField("tcp_data_offset", s_doff, a.DataOffset())).empty() ||
        !(e = CheckField("tcp_fin", s.fin, a.fin)).empty() || !(e = CheckField("tcp_syn", s.syn, a.syn)).empty() ||
        !(e = CheckField("tcp_rst", s.rst, a.rst)).empty() || !(e = CheckField("tcp_psh", s.psh, a.psh)).empty() ||
        !(e = CheckField("tcp_ack", s.ack, a.ack)).empty() || !(e = CheckField("tcp_urg", s.urg, a.urg)).empty() ||
        !(e = CheckField("tcp_ece", s.ece, a.ece)).empty() || !(e = CheckField("tcp_cwr", s.cwr, a.cwr)).empty() ||
        !(e = CheckField("tcp_ae", s.ae, a.ae)).empty() ||
        !(e = CheckField("tcp_reserved_bits", s.res1, a.res1)).empty() ||
        !(e = CheckField("tcp_seq", s.seq, a.seq)).empty() ||
        !(e = CheckField("tcp_ack_seq", s.ack_seq, a.ack_seq)).empty())
    {
        return e;
    }
    if (!s.win_nocheck && !(e = CheckField("tcp_window", s.window, a.window)).empty())
    {
        return e;
    }
    return CheckField("tcp_urg_ptr", s.urg_ptr, a.urg_ptr);
}

std::string
VerifyOptions(const WirePacket& a, const WirePacket& s, int ts_tick_usecs, int64_t ts_tolerance_us)
{
    if (s.options_nocheck)
    {
        return "";
    }
    std::vector<RawOption> ao;
    std::vector<RawOption> so;
    std::string err;
    if (!WalkOptions(a.options, ao, &err) || !WalkOptions(s.options, so, &err))
    {
        return err;
    }
    for (size_t i = 0; i < std::max(ao.size(), so.size()); ++i)
    {
        if (i >= ao.size() || i >= so.size() || ao[i].kind != so[i].kind)
        {
            return "bad outbound TCP options";
        }
        const RawOption& ar = ao[i];
        const RawOption& sr = so[i];
        if (ar.kind == TCPOPT_EOL || ar.kind == TCPOPT_NOP)
        {
            continue;
        }
        if (ar.kind == TCPOPT_TIMESTAMP)
        {
            if (ts_tick_usecs && ar.length == 10 && sr.length == 10)
            {
                const int32_t diff = static_cast<int32_t>(Get32(a.options, ar.offset + 2) - Get32(s.options, sr.offset + 2));
                if (static_cast<int64_t>(std::abs(diff)) * ts_tick_usecs > ts_tolerance_us)
                {
                    return fmt::format("bad outbound TCP timestamp value, tolerance {}", ts_tolerance_us);
                }
            }
            continue;
        }
        const char* err_type = nullptr;
        if (sr.length != ar.length)
        {
            err_type = "bad length";
        }
        if (sr.length > 2 && (ar.length != sr.length ||
                              std::memcmp(a.options.data() + ar.offset + 2, s.options.data() + sr.offset + 2,
                                          static_cast<size_t>(ar.length - 2)) != 0))
        {
            err_type = "bad value";
        }
        if (err_type)
        {
            return fmt::format("{} in outbound TCP option (kind={}): expected: {} actual: {}", err_type, sr.kind,
                               OptionsToString(s.options, static_cast<int>(i)),
                               OptionsToString(a.options, static_cast<int>(i)));
        }
    }
    return "";
}

std::string
VerifyTime(TimeType type,
           int64_t script_us,
           int64_t script_end_us,
           int64_t actual_us,
           int64_t last_event_us,
           int64_t offset_us,
           const Tolerance& tol,
           const char* description)
{
    if (type == TimeType::Any)
    {
        return "";
    }
    int64_t tolerance = tol.usecs;
    if (last_event_us != NO_TIME_RANGE)
    {
        // the timer wheel's slack grows with the time waited (run.c)
        const auto dynamic = static_cast<int64_t>(tol.percent / 100.0 * static_cast<double>(script_us - last_event_us));
        tolerance = std::max(tolerance, dynamic);
    }
    auto secs = [](int64_t us) { return static_cast<double>(us) / 1e6; };
    if (type == TimeType::AbsoluteRange || type == TimeType::RelativeRange)
    {
        if (actual_us >= script_us - tolerance && actual_us <= script_end_us + tolerance)
        {
            return "";
        }
        if (type == TimeType::AbsoluteRange)
        {
            return fmt::format("timing error: expected {} in time range {:.6f}~{:.6f} sec but happened at {:.6f} sec",
                               description, secs(script_us), secs(script_end_us), secs(actual_us));
        }
        return fmt::format("timing error: expected {} in relative time range +{:.6f}~+{:.6f} sec but happened at "
                           "{:+.6f} sec",
                           description, secs(script_us - offset_us), secs(script_end_us - offset_us),
                           secs(actual_us - offset_us));
    }
    if (actual_us < script_us - tolerance || actual_us > script_us + tolerance)
    {
        return fmt::format("timing error: expected {} at {:.6f} sec but happened at {:.6f} sec; tolerance {:.6f} sec",
                           description, secs(script_us), secs(actual_us), secs(tolerance));
    }
    return "";
}

} // namespace sim::drill
