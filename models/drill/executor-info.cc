// SPDX-License-Identifier: GPL-2.0-only
// tcp_info of the socket under test for the script's code snippets (tcp_get_info()),
// and the snippets' run after the last event (code.c code_execute()).
#include "models/drill/executor.h"

#include "models/tcp/linux-tcp-l4-protocol.h"

#include <fmt/format.h>

namespace sim::drill
{

namespace
{

// include/net/tcp_states.h
int64_t
LinuxState(TcpState s)
{
    switch (s)
    {
    case TcpState::Established:
        return 1;
    case TcpState::SynSent:
        return 2;
    case TcpState::SynRecv:
        return 3;
    case TcpState::FinWait1:
        return 4;
    case TcpState::FinWait2:
        return 5;
    case TcpState::TimeWait:
        return 6;
    case TcpState::Closed:
        return 7;
    case TcpState::CloseWait:
        return 8;
    case TcpState::LastAck:
        return 9;
    case TcpState::Listen:
        return 10;
    case TcpState::Closing:
        return 11;
    }
    return 0;
}

} // namespace

// tcp_get_info(): the fields the model keeps; a snippet that reads another is refused
PyVars
Executor::TcpInfo(const LinuxTcpSocket& s) const
{
    const Tcb& tp = s.GetTcb();
    const int hz = m_tcp->Profile().hz;
    auto jiffies_to_usecs = [hz](uint32_t j) { return static_cast<int64_t>(j) * 1000000 / hz; };
    PyVars v;
    auto set = [&v](const char* name, int64_t x) { v[name] = PyValue::Int(x); };
    // code.c write_symbols()
    set("TCP_ESTABLISHED", 1);
    set("TCP_SYN_SENT", 2);
    set("TCP_SYN_RECV", 3);
    set("TCP_FIN_WAIT1", 4);
    set("TCP_FIN_WAIT2", 5);
    set("TCP_TIME_WAIT", 6);
    set("TCP_CLOSE", 7);
    set("TCP_CLOSE_WAIT", 8);
    set("TCP_LAST_ACK", 9);
    set("TCP_LISTEN", 10);
    set("TCP_CLOSING", 11);
    set("TCP_CA_Open", 0);
    set("TCP_CA_Disorder", 1);
    set("TCP_CA_CWR", 2);
    set("TCP_CA_Recovery", 3);
    set("TCP_CA_Loss", 4);
    set("TCPI_OPT_TIMESTAMPS", 1);
    set("TCPI_OPT_SACK", 2);
    set("TCPI_OPT_WSCALE", 4);
    set("TCPI_OPT_ECN", 8);
    // tcp_get_info()
    set("tcpi_state", LinuxState(tp.state));
    set("tcpi_ca_state", static_cast<int64_t>(tp.ca_state));
    set("tcpi_retransmits", tp.icsk_retransmits);
    set("tcpi_backoff", tp.icsk_backoff);
    set("tcpi_probes", s.ProbesOut());
    set("tcpi_options", (tp.tstamp_ok ? 1 : 0) | (tp.sack_ok ? 2 : 0) | (tp.wscale_ok ? 4 : 0));
    set("tcpi_snd_wscale", tp.wscale_ok ? tp.snd_wscale : 0);
    set("tcpi_rcv_wscale", tp.wscale_ok ? tp.rcv_wscale : 0);
    set("tcpi_rto", jiffies_to_usecs(tp.icsk_rto));
    set("tcpi_ato", jiffies_to_usecs(tp.ack.ato));
    set("tcpi_snd_mss", tp.mss_cache);
    set("tcpi_rcv_mss", tp.ack.rcv_mss);
    set("tcpi_unacked", tp.packets_out);
    set("tcpi_sacked", tp.sacked_out);
    set("tcpi_lost", tp.lost_out);
    set("tcpi_retrans", tp.retrans_out);
    set("tcpi_fackets", 0);
    set("tcpi_pmtu", m_cfg.mtu);
    set("tcpi_rcv_ssthresh", tp.rcv_ssthresh);
    set("tcpi_rtt", tp.srtt_us >> 3);
    set("tcpi_rttvar", tp.mdev_us >> 2);
    set("tcpi_snd_ssthresh", tp.snd_ssthresh);
    set("tcpi_snd_cwnd", tp.snd_cwnd);
    set("tcpi_advmss", tp.advmss);
    set("tcpi_reordering", tp.reordering);
    set("tcpi_total_retrans", tp.total_retrans);
    set("tcpi_rcv_space", tp.rcvq_space.space);
    set("tcpi_notsent_bytes", static_cast<int64_t>(tp.write_seq - tp.snd_nxt));
    set("tcpi_min_rtt", tp.rtt_min_us ? tp.rtt_min_us : 0xffffffffLL); // ~0U before a sample
    set("tcpi_delivered", tp.delivered);
    set("tcpi_dsack_dups", tp.dsack_dups);
    set("tcpi_reord_seen", tp.reord_seen);
    set("tcpi_snd_wnd", tp.snd_wnd);
    set("tcpi_rcv_wnd", tp.rcv_wnd);
    set("tcpi_total_rto", tp.total_rto);
    return v;
}

// code_execute(): every snippet in order, in one namespace, each after its snapshot
void
Executor::RunCode()
{
    PyVars vars;
    for (const CodeRecord& c : m_code)
    {
        for (const auto& [name, value] : c.vars)
        {
            vars[name] = value;
        }
        try
        {
            RunSnippet(c.text, vars, m_result.printed);
        }
        catch (const PyUnsupported& e)
        {
            Unsupported(c.line, e.what());
            return;
        }
        catch (const PyError& e)
        {
            FailAt(c.line, fmt::format("error in Python code: {}", e.what()));
            return;
        }
    }
}

} // namespace sim::drill
