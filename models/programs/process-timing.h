// SPDX-License-Identifier: GPL-2.0-only
// When a process runs. A real program spends time between its system calls (the
// interpreter's own work, prints: "think") and, once the kernel wakes it from a
// blocking call, waits for the scheduler to give it the CPU ("wake"). Both are
// scenario inputs, per named step; a list gives one value per call of that step and its
// last value repeats. "hold" is the time a process keeps the socket locked inside a
// call before it looks for data (preempted in the kernel with lock_sock() held).
#pragma once

#include <ns3/nstime.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sim
{

struct ProcessTiming
{
    std::map<std::string, std::vector<ns3::Time>> think;
    std::map<std::string, std::vector<ns3::Time>> wake;
    std::map<std::string, std::vector<ns3::Time>> hold;
    ns3::Time default_wake; // the profile's scheduler latency
    // What a recording pins (recorded.toml), shared by every copy of the timing (a
    // program's config is copied per connection); null for a hand-written scenario
    struct Recorded
    {
        // A recorded run (`sim record`'s recorded.toml) pins each call to the time the real
        // program made it: `at`, when the call began; `returned`, when a blocking call
        // returned (it returns then, or when the model's data comes if that is later). A
        // call with no such entry keeps think and wake.
        std::map<std::string, std::vector<ns3::Time>> at;
        std::map<std::string, std::vector<ns3::Time>> returned;
        // A recorded read that found its data at its start: when it copied (its last byte
        // had come); it holds the socket from then until its return (0: it waited)
        std::map<std::string, std::vector<ns3::Time>> copy;
        // A read whose kernel part was traced: `copy` is its first copy as measured, and it
        // held the socket from then until this, the end of its kernel part (0: not traced)
        std::map<std::string, std::vector<ns3::Time>> released;
        // A recorded send's copy time per KiB on the recording host (ns; 0: the profile's
        // sendmsg_ns_per_kib)
        std::map<std::string, std::vector<int64_t>> copy_rate;
        // A traced send's copy loop, or a traced read's copies: each turn's time and the
        // bytes copied before it
        using Turns = std::vector<std::pair<ns3::Time, uint64_t>>;
        std::map<std::string, std::vector<Turns>> turns;
    };
    using Turns = Recorded::Turns;
    std::shared_ptr<const Recorded> recorded;

    // From `now`, the delay before call `call` of `step`: until its recorded start, or
    // `think`
    ns3::Time Delay(const std::string& step, size_t call, ns3::Time think, ns3::Time now) const
    {
        const std::optional<ns3::Time> a = Entry(&Recorded::at, step, call);
        if (!a)
        {
            return think;
        }
        return *a > now ? *a - now : ns3::Time(0);
    }

    // Whether the call has a recorded start
    bool Pinned(const std::string& step, size_t call) const { return Entry(&Recorded::at, step, call).has_value(); }

    // The earliest a blocking call returns (0: as soon as woken)
    ns3::Time NotBefore(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::returned, step, call).value_or(ns3::Time(0));
    }

    // When a read copies, if it is pinned so (0: none)
    ns3::Time CopyAt(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::copy, step, call).value_or(ns3::Time(0));
    }

    // When a traced read let the socket go (0: not traced)
    ns3::Time ReleasedAt(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::released, step, call).value_or(ns3::Time(0));
    }

    // A traced send's copy loop (empty: not traced)
    Turns SendTurns(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::turns, step, call).value_or(Turns{});
    }

    // When a traced send's copy loop began (its first turn; 0: not traced)
    ns3::Time FirstSendTurn(const std::string& step, size_t call) const
    {
        const Turns* t = Find(&Recorded::turns, step, call);
        return t && !t->empty() ? t->front().first : ns3::Time(0);
    }

    // A traced read's copies (empty: not traced)
    Turns ReadCopies(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::turns, step, call).value_or(Turns{});
    }

    // A send's copy time per KiB, if the recording measured it (0: none)
    int64_t CopyRate(const std::string& step, size_t call) const
    {
        return Entry(&Recorded::copy_rate, step, call).value_or(0);
    }

    ns3::Time Think(const std::string& step, size_t call) const
    {
        return Pick(think, step, call, ns3::Time(0));
    }

    ns3::Time Wake(const std::string& step, size_t call) const
    {
        return Pick(wake, step, call, default_wake);
    }

    ns3::Time Hold(const std::string& step, size_t call) const
    {
        return Pick(hold, step, call, ns3::Time(0));
    }

  private:
    // A recorded list has one entry per call: none past its end
    template <class T>
    std::optional<T> Entry(std::map<std::string, std::vector<T>> Recorded::*list, const std::string& step, size_t call) const
    {
        const T* e = Find(list, step, call);
        return e ? std::optional<T>(*e) : std::nullopt;
    }

    template <class T>
    const T* Find(std::map<std::string, std::vector<T>> Recorded::*list, const std::string& step, size_t call) const
    {
        if (!recorded)
        {
            return nullptr;
        }
        const std::map<std::string, std::vector<T>>& m = (*recorded).*list;
        auto it = m.find(step);
        if (it == m.end() || call >= it->second.size())
        {
            return nullptr;
        }
        return &it->second[call];
    }

    static ns3::Time Pick(const std::map<std::string, std::vector<ns3::Time>>& m,
                          const std::string& step,
                          size_t call,
                          ns3::Time fallback)
    {
        auto it = m.find(step);
        if (it == m.end() || it->second.empty())
        {
            return fallback;
        }
        return it->second[std::min(call, it->second.size() - 1)];
    }
};

} // namespace sim
