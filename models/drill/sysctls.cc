// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/sysctls.h"

#include "models/drill/script.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace sim::drill
{

namespace
{

[[noreturn]] void
Unsupported(int line, const std::string& what)
{
    throw ScriptError(line, what, true);
}

// $(( ... )) of the shell: integers, + - * / % and parentheses
class Arith
{
  public:
    Arith(const std::string& s, int line)
        : m_s(s),
          m_line(line)
    {
    }
    int64_t Eval()
    {
        const int64_t v = Sum();
        Skip();
        if (m_p != m_s.size())
        {
            Bad();
        }
        return v;
    }

  private:
    [[noreturn]] void Bad() const { throw ScriptError(m_line, "bad shell arithmetic $((" + m_s + "))"); }
    void Skip()
    {
        while (m_p < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_p])))
        {
            ++m_p;
        }
    }
    int64_t Sum()
    {
        int64_t v = Product();
        for (Skip(); m_p < m_s.size() && (m_s[m_p] == '+' || m_s[m_p] == '-'); Skip())
        {
            const char op = m_s[m_p++];
            const int64_t r = Product();
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }
    int64_t Product()
    {
        int64_t v = Atom();
        for (Skip(); m_p < m_s.size() && (m_s[m_p] == '*' || m_s[m_p] == '/' || m_s[m_p] == '%'); Skip())
        {
            const char op = m_s[m_p++];
            const int64_t r = Atom();
            if (op != '*' && r == 0)
            {
                Bad();
            }
            v = op == '*' ? v * r : op == '/' ? v / r : v % r;
        }
        return v;
    }
    int64_t Atom()
    {
        Skip();
        if (m_p < m_s.size() && m_s[m_p] == '(')
        {
            ++m_p;
            const int64_t v = Sum();
            Skip();
            if (m_p >= m_s.size() || m_s[m_p] != ')')
            {
                Bad();
            }
            ++m_p;
            return v;
        }
        if (m_p < m_s.size() && m_s[m_p] == '-')
        {
            ++m_p;
            return -Atom();
        }
        char* end = nullptr;
        const int64_t v = std::strtoll(m_s.c_str() + m_p, &end, 0);
        if (end == m_s.c_str() + m_p)
        {
            Bad();
        }
        m_p = static_cast<size_t>(end - m_s.c_str());
        return v;
    }
    std::string m_s;
    int m_line;
    size_t m_p = 0;
};

// A shell command line as words: quotes removed, $((...)) expanded, redirections
// (> /dev/null, 2>&1) dropped; the file standard output goes to (> FILE) in `stdout_to`
std::vector<std::string>
Words(const std::string& cmd, int line, std::string* stdout_to)
{
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < cmd.size(); ++i)
    {
        const char c = cmd[i];
        if (quote == 0 && std::isspace(static_cast<unsigned char>(c)))
        {
            if (in_word)
            {
                words.push_back(cur);
                cur.clear();
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if (quote == 0 && (c == '"' || c == '\''))
        {
            quote = c;
            continue;
        }
        if (quote == c)
        {
            quote = 0;
            continue;
        }
        if (quote != '\'' && cmd.compare(i, 3, "$((") == 0)
        {
            const size_t end = cmd.find("))", i + 3);
            if (end == std::string::npos)
            {
                throw ScriptError(line, "unterminated $(( in shell command");
            }
            cur += std::to_string(Arith(cmd.substr(i + 3, end - i - 3), line).Eval());
            i = end + 1;
            continue;
        }
        cur += c;
    }
    if (in_word)
    {
        words.push_back(cur);
    }
    // redirections
    std::vector<std::string> out;
    for (size_t i = 0; i < words.size(); ++i)
    {
        const std::string& w = words[i];
        if (w == ">" || w == ">>" || w == "2>" || w == "<")
        {
            if (w != "2>" && w != "<" && i + 1 < words.size())
            {
                *stdout_to = words[i + 1];
            }
            ++i; // and its file
            continue;
        }
        if (w.find(">&") != std::string::npos || (w.size() > 1 && (w[0] == '>' || w.compare(0, 2, "2>") == 0)))
        {
            if (w[0] == '>' && w.find('&') == std::string::npos)
            {
                *stdout_to = w.substr(w[1] == '>' ? 2 : 1);
            }
            continue;
        }
        out.push_back(w);
    }
    return out;
}

bool
EndsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int64_t
Integer(const std::string& name, const std::string& value, int line)
{
    char* end = nullptr;
    const long long v = std::strtoll(value.c_str(), &end, 0);
    if (value.empty() || *end != '\0')
    {
        throw ScriptError(line, name + ": '" + value + "' is not an integer");
    }
    return v;
}

std::array<int, 3>
Triple(const std::string& name, const std::string& value, int line)
{
    std::istringstream in(value);
    std::array<int, 3> t{};
    for (int& x : t)
    {
        std::string w;
        if (!(in >> w))
        {
            throw ScriptError(line, name + ": expected 3 values (min, default, max), got '" + value + "'");
        }
        x = static_cast<int>(Integer(name, w, line));
    }
    return t;
}

void RunLines(const std::string& text, const std::string& dir, int line, KernelProfile& profile,
              std::vector<std::string>& notes, const TunSettings& tun, int depth);

// /sys/module/tcp_cubic/parameters/NAME: the module parameters the profile keeps
// (kernel-profile.h). beta and bic_scale are refused: cubictcp_register() computed its
// factors from them at load, which a later write does not redo.
void
ApplyCubicParameter(const std::string& name, const std::string& value, int line, KernelProfile& p)
{
    const auto as_int = [&](int64_t lo, int64_t hi) {
        const int64_t v = Integer(name, value, line);
        if (v < lo || v > hi)
        {
            throw ScriptError(line, name + ": " + value + " is out of range [" + std::to_string(lo) + ", " +
                                        std::to_string(hi) + "]");
        }
        return static_cast<int>(v);
    };
    TcpCubicParams& c = p.tcp_cubic;
    const std::map<std::string, std::function<void()>> params = {
        {"fast_convergence", [&] { c.fast_convergence = as_int(0, 1); }},
        {"initial_ssthresh", [&] { c.initial_ssthresh = as_int(0, INT32_MAX); }},
        {"tcp_friendliness", [&] { c.tcp_friendliness = as_int(0, 1); }},
        {"hystart", [&] { c.hystart = as_int(0, 1); }},
        {"hystart_detect", [&] { c.hystart_detect = as_int(0, 3); }},
        {"hystart_low_window", [&] { c.hystart_low_window = as_int(0, INT32_MAX); }},
        {"hystart_ack_delta_us", [&] { c.hystart_ack_delta_us = as_int(0, INT32_MAX); }},
    };
    const auto it = params.find(name);
    if (it == params.end())
    {
        Unsupported(line, "tcp_cubic parameter " + name + "=" + value +
                              (name == "beta" || name == "bic_scale" ? " (set at module load: give it in the profile)"
                                                                     : " (no such parameter)"));
    }
    it->second();
}

// `echo VALUE > FILE`: a sysctl by its /proc/sys path or a tcp_cubic parameter; any
// other file under /proc or /sys is refused, others (logs) are ignored
void
RunEcho(const std::vector<std::string>& w, const std::string& file, int line, KernelProfile& profile,
        std::vector<std::string>& notes)
{
    std::string value;
    for (size_t i = 1; i < w.size(); ++i)
    {
        value += (i > 1 ? " " : "") + w[i];
    }
    const std::string cubic = "/sys/module/tcp_cubic/parameters/";
    if (file.compare(0, cubic.size(), cubic) == 0)
    {
        ApplyCubicParameter(file.substr(cubic.size()), value, line, profile);
        return;
    }
    if (file.compare(0, 10, "/proc/sys/") == 0)
    {
        std::string name = file.substr(10);
        std::replace(name.begin(), name.end(), '/', '.');
        ApplySysctl(name, value, line, profile, notes);
        return;
    }
    if (file.compare(0, 6, "/proc/") == 0 || file.compare(0, 5, "/sys/") == 0)
    {
        Unsupported(line, "shell command 'echo " + value + " > " + file + "'");
    }
}

// One command of a backquoted line; `stdout_to`: where its output is redirected
void
RunCommand(const std::vector<std::string>& w, const std::string& stdout_to, const std::string& dir, int line,
           KernelProfile& profile, std::vector<std::string>& notes, const TunSettings& tun, int depth)
{
    if (w.empty())
    {
        return;
    }
    const std::string& cmd = w[0];
    if (cmd == "sysctl")
    {
        for (size_t i = 1; i < w.size(); ++i)
        {
            if (w[i][0] == '-')
            {
                continue; // -q, -e, -w
            }
            const size_t eq = w[i].find('=');
            if (eq == std::string::npos)
            {
                Unsupported(line, "shell command 'sysctl " + w[i] + "' (reading a sysctl)");
            }
            std::string name = w[i].substr(0, eq);
            for (char& c : name)
            {
                c = c == '/' ? '.' : c; // sysctl accepts net/ipv4/x as well
            }
            ApplySysctl(name, w[i].substr(eq + 1), line, profile, notes);
        }
        return;
    }
    if (EndsWith(cmd, "set_sysctls.py"))
    {
        // set_sysctls.py /proc/sys/net/ipv4/tcp_x=V ...: writes V to each file
        for (size_t i = 1; i < w.size(); ++i)
        {
            const size_t eq = w[i].find('=');
            const std::string path = w[i].substr(0, eq);
            if (eq == std::string::npos || path.compare(0, 10, "/proc/sys/") != 0)
            {
                Unsupported(line, "set_sysctls.py argument '" + w[i] + "'");
            }
            std::string name = path.substr(10);
            for (char& c : name)
            {
                c = c == '/' ? '.' : c;
            }
            ApplySysctl(name, w[i].substr(eq + 1), line, profile, notes);
        }
        return;
    }
    if (EndsWith(cmd, "defaults.sh"))
    {
        if (depth > 4)
        {
            Unsupported(line, "shell command '" + cmd + "' (nested too deep)");
        }
        const std::filesystem::path path = std::filesystem::path(dir) / cmd;
        std::ifstream in(path);
        if (!in)
        {
            Unsupported(line, "shell command '" + cmd + "' (" + path.string() + " not found)");
        }
        std::ostringstream text;
        text << in.rdbuf();
        RunLines(text.str(), path.parent_path().string(), line, profile, notes, tun, depth + 1);
        return;
    }
    // set_sysctls.py's restore script: the run ends with the script, nothing persists
    if (cmd.find("sysctl_restore") != std::string::npos)
    {
        return;
    }
    // no metrics cache is kept between runs (tcp_metrics)
    if (cmd == "ip" && w.size() > 1 && w[1] == "tcp_metrics")
    {
        return;
    }
    // the tun device's qdisc: the simulated device has none, packets leave at once,
    // unless a FIFO of no room is installed: then every packet is dropped before the
    // device (__dev_queue_xmit() returns NET_XMIT_DROP to the sender)
    if (cmd == "tc" && w.size() > 1 && w[1] == "qdisc")
    {
        const std::string verb = w.size() > 2 ? w[2] : "";
        auto root = std::find(w.begin(), w.end(), "root");
        if ((verb == "delete" || verb == "del") && root != w.end() && root + 1 == w.end())
        {
            if (tun.drops_all)
            {
                *tun.drops_all = false; // back to the default qdisc
            }
            return;
        }
        // as a FIFO that never fills; fq would pace the flow (sch_fq): not modelled
        const std::string kind = root != w.end() && root + 1 != w.end() ? *(root + 1) : "";
        if (kind != "pfifo" && kind != "pfifo_fast" && kind != "bfifo" && kind != "noqueue")
        {
            Unsupported(line, "qdisc '" + kind + "' on the tun (its pacing and queueing are not modelled)");
        }
        const bool no_room = (kind == "pfifo" || kind == "bfifo") && root + 4 == w.end() && *(root + 2) == "limit" &&
                             *(root + 3) == "0";
        if (root + 2 < w.end() && !no_room)
        {
            Unsupported(line, "qdisc parameters '" + *(root + 2) + " ...' on the tun (a queue that fills is not "
                                                                  "modelled, only one of no room)");
        }
        if (no_room && !tun.drops_all)
        {
            Unsupported(line, "a qdisc of no room before the run starts");
        }
        if (tun.drops_all)
        {
            *tun.drops_all = no_room;
        }
        return;
    }
    // the tun's offloads: `ethtool -K tun0 tso off gso off` (tun-device.h)
    if (cmd == "ethtool" && w.size() >= 3 && w[1] == "-K")
    {
        bool any = false;
        for (size_t i = 3; i + 1 < w.size(); i += 2)
        {
            if ((w[i] != "tso" && w[i] != "gso") || (w[i + 1] != "on" && w[i + 1] != "off"))
            {
                Unsupported(line, "ethtool feature '" + w[i] + "'");
            }
            if (!tun.tso)
            {
                Unsupported(line, "ethtool after the first event (the device is built when the run starts)");
            }
            *tun.tso = w[i + 1] == "on";
            any = true;
        }
        if (any)
        {
            return;
        }
    }
    if (cmd == "echo")
    {
        RunEcho(w, stdout_to, line, profile, notes);
        return;
    }
    if (cmd == "true" || cmd == ":")
    {
        return;
    }
    std::string all;
    for (const std::string& x : w)
    {
        all += (all.empty() ? "" : " ") + x;
    }
    Unsupported(line, "shell command '" + all + "'");
}

void
RunLines(const std::string& text, const std::string& dir, int line, KernelProfile& profile,
         std::vector<std::string>& notes, const TunSettings& tun, int depth)
{
    // backslash-newline continues a line; '#' starts a comment; ';' and && separate
    std::string joined;
    for (size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n')
        {
            ++i;
            joined += ' ';
            continue;
        }
        joined += text[i];
    }
    std::istringstream in(joined);
    std::string l;
    while (std::getline(in, l))
    {
        bool quoted = false;
        for (size_t i = 0; i < l.size(); ++i)
        {
            if (l[i] == '"')
            {
                quoted = !quoted;
            }
            if (!quoted && l[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(l[i - 1]))))
            {
                l.resize(i);
                break;
            }
        }
        size_t start = 0;
        while (start <= l.size())
        {
            const size_t semi = l.find(';', start);
            const size_t amp = l.find("&&", start);
            const size_t end = std::min({semi, amp, l.size()});
            std::string stdout_to;
            const std::vector<std::string> words = Words(l.substr(start, end - start), line, &stdout_to);
            RunCommand(words, stdout_to, dir, line, profile, notes, tun, depth);
            start = end + (end == amp ? 2 : 1);
        }
    }
}

} // namespace

void
RunShellCommand(const std::string& command,
                const std::string& script_dir,
                int line,
                KernelProfile& profile,
                std::vector<std::string>& notes,
                const TunSettings& tun)
{
    RunLines(command, script_dir, line, profile, notes, tun, 0);
}

void
ApplySysctl(const std::string& name,
            const std::string& value,
            int line,
            KernelProfile& p,
            std::vector<std::string>& notes)
{
    auto as_int = [&](int64_t lo, int64_t hi) {
        const int64_t v = Integer(name, value, line);
        if (v < lo || v > hi)
        {
            throw ScriptError(line, name + ": " + value + " is out of range [" + std::to_string(lo) + ", " +
                                        std::to_string(hi) + "]");
        }
        return v;
    };
    // profile keys (config/kernel-profile-loader.cc reads the same names)
    static const std::map<std::string, std::function<void(KernelProfile&, const std::function<int64_t(int64_t, int64_t)>&)>>
        ints = {
            {"net.ipv4.tcp_adv_win_scale", [](KernelProfile& k, auto& v) { k.tcp_adv_win_scale = int(v(-31, 31)); }},
            {"net.ipv4.tcp_app_win", [](KernelProfile& k, auto& v) { k.tcp_app_win = int(v(0, 31)); }},
            {"net.ipv4.tcp_timestamps", [](KernelProfile& k, auto& v) { k.tcp_timestamps = v(0, 2) != 0; }},
            {"net.ipv4.tcp_sack", [](KernelProfile& k, auto& v) { k.tcp_sack = v(0, 1) != 0; }},
            {"net.ipv4.tcp_window_scaling", [](KernelProfile& k, auto& v) { k.tcp_window_scaling = v(0, 1) != 0; }},
            {"net.ipv4.tcp_workaround_signed_windows",
             [](KernelProfile& k, auto& v) { k.tcp_workaround_signed_windows = v(0, 1) != 0; }},
            {"net.ipv4.tcp_autocorking", [](KernelProfile& k, auto& v) { k.tcp_autocorking = v(0, 1) != 0; }},
            {"net.ipv4.tcp_moderate_rcvbuf", [](KernelProfile& k, auto& v) { k.tcp_moderate_rcvbuf = v(0, 1) != 0; }},
            {"net.ipv4.tcp_fin_timeout", [](KernelProfile& k, auto& v) { k.tcp_fin_timeout = int(v(1, 3600)); }},
            {"net.core.rmem_max", [](KernelProfile& k, auto& v) { k.rmem_max = int(v(0, INT32_MAX)); }},
            {"net.core.wmem_max", [](KernelProfile& k, auto& v) { k.wmem_max = int(v(0, INT32_MAX)); }},
            {"net.ipv4.tcp_dsack", [](KernelProfile& k, auto& v) { k.tcp_dsack = v(0, 1) != 0; }},
            {"net.ipv4.tcp_early_retrans", [](KernelProfile& k, auto& v) { k.tcp_early_retrans = int(v(0, 4)); }},
            {"net.ipv4.tcp_frto", [](KernelProfile& k, auto& v) { k.tcp_frto = int(v(0, 2)); }},
            {"net.ipv4.tcp_retries2", [](KernelProfile& k, auto& v) { k.tcp_retries2 = int(v(0, 255)); }},
            {"net.ipv4.tcp_syn_retries", [](KernelProfile& k, auto& v) { k.tcp_syn_retries = int(v(1, 127)); }},
            {"net.ipv4.tcp_syn_linear_timeouts",
             [](KernelProfile& k, auto& v) { k.tcp_syn_linear_timeouts = int(v(0, 127)); }},
            {"net.ipv4.tcp_synack_retries", [](KernelProfile& k, auto& v) { k.tcp_synack_retries = int(v(0, 255)); }},
            {"net.ipv4.tcp_rto_min_us", [](KernelProfile& k, auto& v) { k.tcp_rto_min_us = int(v(1000, 200000)); }},
            {"net.ipv4.tcp_comp_sack_nr", [](KernelProfile& k, auto& v) { k.tcp_comp_sack_nr = int(v(0, 255)); }},
            {"net.ipv4.tcp_slow_start_after_idle",
             [](KernelProfile& k, auto& v) { k.tcp_slow_start_after_idle = v(0, 1) != 0; }},
            {"net.ipv4.tcp_tso_win_divisor",
             [](KernelProfile& k, auto& v) { k.tcp_tso_win_divisor = int(v(0, 255)); }},
            // sk_pacing_rate sizes GSO packets (tcp_tso_autosize()); without fq it paces nothing
            {"net.ipv4.tcp_min_tso_segs", [](KernelProfile& k, auto& v) { k.tcp_min_tso_segs = int(v(1, 255)); }},
            {"net.ipv4.tcp_tso_rtt_log", [](KernelProfile& k, auto& v) { k.tcp_tso_rtt_log = int(v(0, 255)); }},
            {"net.ipv4.tcp_pacing_ss_ratio",
             [](KernelProfile& k, auto& v) { k.tcp_pacing_ss_ratio = int(v(0, 1000)); }},
            {"net.ipv4.tcp_pacing_ca_ratio",
             [](KernelProfile& k, auto& v) { k.tcp_pacing_ca_ratio = int(v(0, 1000)); }},
            {"net.ipv4.tcp_comp_sack_delay_ns",
             [](KernelProfile& k, auto& v) { k.tcp_comp_sack_delay_ns = v(0, 1000000000); }},
            {"net.ipv4.tcp_pingpong_thresh",
             [](KernelProfile& k, auto& v) {
                 k.tcp_pingpong_thresh = int(v(1, 255));
                 k.pingpong_first_reply_only = false; // the 6.x sysctl (kernel-profile-loader.cc)
             }},
        };
    const std::function<int64_t(int64_t, int64_t)> getter = as_int;
    if (auto it = ints.find(name); it != ints.end())
    {
        it->second(p, getter);
        return;
    }
    if (name == "net.ipv4.tcp_rmem")
    {
        p.tcp_rmem = Triple(name, value, line);
        return;
    }
    if (name == "net.ipv4.tcp_wmem")
    {
        p.tcp_wmem = Triple(name, value, line);
        return;
    }
    if (name == "net.ipv4.tcp_congestion_control")
    {
        // the model's congestion control: Cubic whole (cubic.h); of BBR only the send
        // buffer's provision, its window grows as Reno's (kernel-profile.h)
        if (value == "cubic")
        {
            p.congestion_control = CongestionControl::Cubic;
            return;
        }
        if (value == "bbr")
        {
            p.congestion_control = CongestionControl::Bbr;
            return;
        }
        Unsupported(line, name + "=" + value + " (congestion controls: cubic, bbr)");
    }

    // Sysctls the profile has no key for, accepted where the model already behaves as
    // the value says. The note names the value and why it changes nothing here.
    auto note = [&](const std::string& why) { notes.push_back(name + "=" + value + ": " + why); };
    auto only = [&](int64_t accepted, const std::string& why, const std::string& lacking) {
        if (Integer(name, value, line) != accepted)
        {
            Unsupported(line, name + "=" + value + " (" + lacking + ")");
        }
        note(why);
    };
    if (name == "net.ipv4.tcp_fack")
    {
        note("FACK was removed in Linux 4.15 (RACK replaced it); no effect");
        return;
    }
    if (name == "net.ipv4.tcp_reordering")
    {
        only(3, "the model's initial reordering degree is 3 (TCP_FASTRETRANS_THRESH)",
             "the model's reordering degree is fixed at 3");
        return;
    }
    if (name == "net.ipv4.tcp_recovery")
    {
        only(1, "RACK loss detection is on in the model (tcp_recovery.c)", "the model always uses RACK");
        return;
    }
    if (name == "net.ipv4.tcp_ecn")
    {
        const int64_t v = Integer(name, value, line);
        if (v != 0 && v != 2)
        {
            Unsupported(line, name + "=" + value + " (ECN is not modelled)");
        }
        note(v == 0 ? "ECN off, as the model" : "ECN only when the peer asks (a SYN asking for it is refused)");
        return;
    }
    if (name == "net.ipv4.tcp_ecn_option" || name == "net.ipv4.tcp_ecn_fallback")
    {
        note("AccECN options: ECN is off");
        return;
    }
    if (name == "net.ipv4.tcp_notsent_lowat")
    {
        only(4294967295LL, "no limit on unsent data, as the model", "TCP_NOTSENT_LOWAT is not modelled");
        return;
    }
    if (name == "net.ipv4.tcp_mtu_probing")
    {
        only(0, "no MTU probing, as the model", "MTU probing (tcp_mtu_probe()) is not modelled");
        return;
    }
    // constants of the model's TSO sizing and deferral (send-policy.h)

    if (name == "net.ipv4.tcp_limit_output_bytes")
    {
        note("TCP Small Queues never throttle here: the tun takes each packet at once");
        return;
    }
    if (name == "net.ipv4.tcp_fastopen" || name == "net.ipv4.tcp_fastopen_key")
    {
        note("Fast Open settings: a script using Fast Open is refused where it does");
        return;
    }
    if (name == "net.ipv4.tcp_syncookies")
    {
        note("SYN cookies are sent only when the SYN queue overflows, which these runs do not reach");
        return;
    }
    if (name == "net.ipv4.tcp_no_metrics_save" || name == "net.core.default_qdisc")
    {
        note("no metrics cache or qdisc in the simulation");
        return;
    }
    Unsupported(line, "sysctl " + name + "=" + value + " (no kernel-profile key)");
}

} // namespace sim::drill
