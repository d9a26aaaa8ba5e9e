// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/options.h"

#include <ns3/tcp-option-rfc793.h>
#include <ns3/tcp-option-sack-permitted.h>
#include <ns3/tcp-option-ts.h>
#include <ns3/tcp-option-winscale.h>

namespace sim
{

using ns3::Create;
using ns3::DynamicCast;
using ns3::Ptr;
using ns3::TcpOption;

static void
AppendNop(ns3::TcpHeader& th)
{
    th.AppendOption(Create<ns3::TcpOptionNOP>());
}

static void
AppendTs(ns3::TcpHeader& th, uint32_t tsval, uint32_t tsecr)
{
    auto ts = Create<ns3::TcpOptionTS>();
    ts->SetTimestamp(tsval);
    ts->SetEcho(tsecr);
    th.AppendOption(ts);
}

void
AppendSynOptions(ns3::TcpHeader& th, const SynOptions& o)
{
    auto mss = Create<ns3::TcpOptionMSS>();
    mss->SetMSS(o.mss);
    th.AppendOption(mss);
    if (o.ts)
    {
        // SACK_PERM fills the two bytes that would be NOPs before TS
        if (o.sack_perm)
        {
            th.AppendOption(Create<ns3::TcpOptionSackPermitted>());
        }
        else
        {
            AppendNop(th);
            AppendNop(th);
        }
        AppendTs(th, o.tsval, o.tsecr);
    }
    else if (o.sack_perm)
    {
        AppendNop(th);
        AppendNop(th);
        th.AppendOption(Create<ns3::TcpOptionSackPermitted>());
    }
    if (o.ws)
    {
        AppendNop(th);
        auto ws = Create<ns3::TcpOptionWinScale>();
        ws->SetScale(o.wscale);
        th.AppendOption(ws);
    }
}

void
AppendEstablishedOptions(ns3::TcpHeader& th, bool ts, uint32_t tsval, uint32_t tsecr)
{
    if (ts)
    {
        AppendNop(th);
        AppendNop(th);
        AppendTs(th, tsval, tsecr);
    }
}

ReceivedOptions
ParseOptions(const ns3::TcpHeader& th)
{
    ReceivedOptions r;
    for (const Ptr<const TcpOption>& opt : th.GetOptionList())
    {
        switch (opt->GetKind())
        {
        case TcpOption::MSS:
            r.mss_present = true;
            r.mss = DynamicCast<const ns3::TcpOptionMSS>(opt)->GetMSS();
            break;
        case TcpOption::SACKPERMITTED:
            r.sack_perm = true;
            break;
        case TcpOption::TS: {
            auto ts = DynamicCast<const ns3::TcpOptionTS>(opt);
            r.ts_present = true;
            r.tsval = ts->GetTimestamp();
            r.tsecr = ts->GetEcho();
            break;
        }
        case TcpOption::WINSCALE:
            r.ws_present = true;
            r.ws = DynamicCast<const ns3::TcpOptionWinScale>(opt)->GetScale();
            break;
        default:
            break;
        }
    }
    return r;
}

} // namespace sim
