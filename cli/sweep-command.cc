// SPDX-License-Identifier: GPL-2.0-only
// `sim sweep`: one scenario over every combination of a few of its values. Each run is
// its own `sim run` process, as `sim bench` runs them, so a run that fails or is killed
// stays one row of summary.csv, runs share no ns-3 state, and the same command lines can
// be handed to GNU parallel or a Slurm array (--jobs-file) when one machine is too small.
#include "cli/sweep-command.h"

#include "cli/app-paths.h"
#include "cli/run-command.h"
#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"
#include "models/scenario/scenario.h"
#include "models/tcp/segment.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct SweepOptions
{
    std::string scenario;
    std::vector<std::string> sets;
    unsigned jobs = 0; // 0: the cores this process may use
    std::string out;
    std::string jobs_file;
    bool summary_only = false;
};

// One step of a KEY path: a table key, then list indices (`requests[3]`)
struct PathPart
{
    std::string key;
    std::vector<size_t> indices;
};

struct SweepValue
{
    std::string text;   // as the user wrote it, trimmed: folder names and summary.csv show it
    toml::table parsed; // `v = TEXT`
    const toml::node& Node() const { return *parsed.get("v"); }
};

// One --set: a key and the values it takes
struct Axis
{
    std::string key;
    std::vector<PathPart> path;
    std::vector<SweepValue> values;
};

struct Run
{
    std::vector<size_t> choice; // index into each axis's values
    std::string label;          // KEY=V,KEY=V as given, for progress lines
    std::string folder;         // the same, safe as one file name
    fs::path dir;
    fs::path scenario;          // the copy, DIR/NAME.toml
    std::string text;           // its content
};

struct TraceStats
{
    size_t packets = 0;
    uint64_t payload_bytes = 0;
    size_t retransmissions = 0;
    double duration_s = 0;
};

struct RunOutcome
{
    std::optional<int> status;   // unknown for runs started elsewhere (--summary-only)
    std::optional<double> wall_s;
    std::string message;         // first line of the run's stderr, or what is missing
    std::optional<TraceStats> stats;
    bool failed = false;
};

// An error message must stay one line (exit status 2 prints it so), yet it may quote
// what the user typed
std::string
OneLine(std::string s)
{
    for (char& c : s)
    {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        {
            c = ' ';
        }
    }
    return s;
}

std::string
Trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
    {
        return "";
    }
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

[[noreturn]] void
BadSet(const std::string& what_was_given, const std::string& what)
{
    throw InputError(OneLine(fmt::format("--set {}: {}", what_was_given, what)));
}

bool
IsBareKeyChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// A TOML dotted key with list indices: client.requests[3].at, server.files."/big"
std::vector<PathPart>
ParseKeyPath(const std::string& key)
{
    if (key.empty())
    {
        BadSet(key, "no KEY before '='");
    }
    std::vector<PathPart> path;
    size_t i = 0;
    const size_t n = key.size();
    while (true)
    {
        PathPart part;
        if (i >= n)
        {
            BadSet(key, "a key is missing after the last '.'");
        }
        if (key[i] == '"')
        {
            size_t j = i + 1;
            while (j < n && key[j] != '"')
            {
                j += key[j] == '\\' ? 2 : 1;
            }
            if (j >= n)
            {
                BadSet(key, "a quoted key has no closing '\"'");
            }
            // toml++ reads the escapes, exactly as in a scenario file
            try
            {
                const toml::table t = toml::parse("k = " + key.substr(i, j + 1 - i));
                part.key = *t["k"].value<std::string>();
            }
            catch (const toml::parse_error& e)
            {
                BadSet(key, fmt::format("bad quoted key: {}", e.description()));
            }
            i = j + 1;
        }
        else if (key[i] == '\'')
        {
            const size_t j = key.find('\'', i + 1);
            if (j == std::string::npos)
            {
                BadSet(key, "a quoted key has no closing \"'\"");
            }
            part.key = key.substr(i + 1, j - i - 1);
            i = j + 1;
        }
        else
        {
            size_t j = i;
            while (j < n && IsBareKeyChar(key[j]))
            {
                ++j;
            }
            if (j == i)
            {
                BadSet(key, fmt::format("'{}' at character {} cannot start a key (bare keys are A-Z a-z "
                                        "0-9 _ -; quote the others: server.files.\"/big\")",
                                        key[i], i + 1));
            }
            part.key = key.substr(i, j - i);
            i = j;
        }
        while (i < n && key[i] == '[')
        {
            const size_t j = key.find(']', i);
            const std::string digits = j == std::string::npos ? "" : key.substr(i + 1, j - i - 1);
            if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
            {
                BadSet(key, fmt::format("a list index is [N], N from 0 (at character {})", i + 1));
            }
            part.indices.push_back(std::stoul(digits));
            i = j + 1;
        }
        path.push_back(part);
        if (i == n)
        {
            return path;
        }
        if (key[i] != '.')
        {
            BadSet(key, fmt::format("'{}' at character {}: parts of a KEY are joined by '.'", key[i], i + 1));
        }
        ++i;
    }
}

// The values of a --set: split at commas outside quotes, [] and {}, so that arrays and
// inline tables can be values
std::vector<std::string>
SplitValues(const std::string& s)
{
    std::vector<std::string> parts;
    int depth = 0;
    char quote = 0;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i)
    {
        const char c = s[i];
        if (quote)
        {
            if (quote == '"' && c == '\\')
            {
                ++i;
            }
            else if (c == quote)
            {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'')
        {
            quote = c;
        }
        else if (c == '[' || c == '{')
        {
            ++depth;
        }
        else if ((c == ']' || c == '}') && depth > 0)
        {
            --depth;
        }
        else if (c == ',' && depth == 0)
        {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(s.substr(start));
    return parts;
}

Axis
ParseSet(const std::string& arg)
{
    // the KEY ends at the first '=' outside quotes (a quoted key may hold one)
    size_t eq = std::string::npos;
    char quote = 0;
    for (size_t i = 0; i < arg.size() && eq == std::string::npos; ++i)
    {
        const char c = arg[i];
        if (quote)
        {
            if (quote == '"' && c == '\\')
            {
                ++i;
            }
            else if (c == quote)
            {
                quote = 0;
            }
        }
        else if (c == '"' || c == '\'')
        {
            quote = c;
        }
        else if (c == '=')
        {
            eq = i;
        }
    }
    if (eq == std::string::npos)
    {
        BadSet(arg, "expected KEY=V1,V2,...");
    }
    Axis axis;
    axis.key = Trim(arg.substr(0, eq));
    axis.path = ParseKeyPath(axis.key);
    const std::string values = arg.substr(eq + 1);
    if (Trim(values).empty())
    {
        BadSet(arg, "no value after '='");
    }
    for (const std::string& raw : SplitValues(values))
    {
        SweepValue v;
        v.text = Trim(raw);
        if (v.text.empty())
        {
            BadSet(arg, "an empty value (two commas in a row, or one at an end)");
        }
        try
        {
            v.parsed = toml::parse("v = " + v.text + "\n");
        }
        catch (const toml::parse_error& e)
        {
            const bool word = v.text.find_first_of("\"'[{") == std::string::npos &&
                              std::isalpha(static_cast<unsigned char>(v.text[0]));
            BadSet(axis.key + "=" + v.text,
                   fmt::format("not a TOML value ({}){}",
                               e.description(),
                               word ? fmt::format("; a string keeps its quotes: --set '{}=\"{}\"'", axis.key, v.text)
                                    : ""));
        }
        if (v.parsed.size() != 1 || !v.parsed.contains("v"))
        {
            BadSet(axis.key + "=" + v.text, "not one TOML value");
        }
        for (const SweepValue& before : axis.values)
        {
            if (before.text == v.text)
            {
                BadSet(arg, fmt::format("{} is given twice", v.text));
            }
        }
        axis.values.push_back(std::move(v));
    }
    return axis;
}

const char*
TypeName(const toml::node& n)
{
    switch (n.type())
    {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "a list";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    default:
        return "a date or time";
    }
}

std::string
KeyText(const std::string& key)
{
    if (!key.empty() && std::all_of(key.begin(), key.end(), IsBareKeyChar))
    {
        return key;
    }
    std::ostringstream os;
    os << toml::value<std::string>(key); // a TOML basic string, escapes and all
    return os.str();
}

// Sets `value` at the axis's path in `doc`; missing tables on the way are made, as a
// dotted key makes them in TOML. A path through a value or past a list's end is bad
// input. Whether the key means anything is the run's loader to say.
void
SetNode(toml::table& doc, const Axis& axis, const toml::node& value)
{
    toml::node* cur = &doc;
    std::string walked;
    for (size_t p = 0; p < axis.path.size(); ++p)
    {
        const PathPart& part = axis.path[p];
        toml::table* t = cur->as_table();
        if (!t)
        {
            BadSet(axis.key, fmt::format("{} is {} in the scenario, not a table", walked, TypeName(*cur)));
        }
        walked += (walked.empty() ? "" : ".") + KeyText(part.key);
        const bool last = p + 1 == axis.path.size();
        if (last && part.indices.empty())
        {
            value.visit([&](const auto& v) { t->insert_or_assign(part.key, v); });
            return;
        }
        toml::node* child = t->get(part.key);
        if (!child)
        {
            if (!part.indices.empty())
            {
                BadSet(axis.key, fmt::format("{} is not in the scenario, so it has no [{}]", walked, part.indices[0]));
            }
            child = &t->insert_or_assign(part.key, toml::table{}).first->second;
        }
        for (size_t k = 0; k < part.indices.size(); ++k)
        {
            toml::array* a = child->as_array();
            if (!a)
            {
                BadSet(axis.key, fmt::format("{} is {} in the scenario, not a list", walked, TypeName(*child)));
            }
            const size_t idx = part.indices[k];
            if (idx >= a->size())
            {
                BadSet(axis.key, fmt::format("{} has {} entr{} in the scenario, so no [{}]", walked, a->size(),
                                                a->size() == 1 ? "y" : "ies", idx));
            }
            walked += fmt::format("[{}]", idx);
            if (last && k + 1 == part.indices.size())
            {
                value.visit([&](const auto& v) { a->replace(a->cbegin() + static_cast<ptrdiff_t>(idx), v); });
                return;
            }
            child = a->get(idx);
        }
        cur = child;
    }
}

// Byte offset of a toml++ source position (line from 1; column from 1, in code points)
std::optional<size_t>
Offset(const std::string& text, const toml::source_position& pos)
{
    size_t off = 0;
    for (toml::source_index line = 1; line < pos.line; ++line)
    {
        off = text.find('\n', off);
        if (off == std::string::npos)
        {
            return std::nullopt;
        }
        ++off;
    }
    for (toml::source_index col = 1; col < pos.column; ++col)
    {
        if (off >= text.size())
        {
            return std::nullopt;
        }
        ++off;
        while (off < text.size() && (static_cast<unsigned char>(text[off]) & 0xC0) == 0x80)
        {
            ++off;
        }
    }
    return off;
}

// `line` (KEY = V) added to table `t` of the document `doc` parsed from `text`
std::optional<std::string>
InsertKey(const std::string& text, const toml::table& doc, const toml::table& t, const std::string& line)
{
    if (&t == &doc)
    {
        // a top-level key must come before the first [table]
        for (size_t off = 0; off < text.size();)
        {
            const size_t first = text.find_first_not_of(" \t", off);
            if (first != std::string::npos && text[first] == '[')
            {
                return text.substr(0, off) + line + "\n" + text.substr(off);
            }
            off = text.find('\n', off);
            if (off == std::string::npos)
            {
                break;
            }
            ++off;
        }
        return text + (text.empty() || text.back() == '\n' ? "" : "\n") + line + "\n";
    }
    if (t.is_inline())
    {
        const std::optional<size_t> end = Offset(text, t.source().end);
        if (!end || *end == 0 || text[*end - 1] != '}')
        {
            return std::nullopt;
        }
        size_t at = *end - 1;
        while (at > 0 && text[at - 1] == ' ')
        {
            --at;
        }
        return text.substr(0, at) + (t.empty() ? " " : ", ") + line + " " + text.substr(*end - 1);
    }
    // a [table] or [[list]] entry: right under its header line (a table made by a dotted
    // key or only implied by [a.b] has no header of its own; the check after the edit
    // sends those to the rewrite)
    const std::optional<size_t> begin = Offset(text, t.source().begin);
    if (!begin || *begin >= text.size() || text[*begin] != '[')
    {
        return std::nullopt;
    }
    const size_t eol = text.find('\n', *begin);
    if (eol == std::string::npos)
    {
        return text + "\n" + line + "\n";
    }
    return text.substr(0, eol + 1) + line + "\n" + text.substr(eol + 1);
}

// The scenario text with one value replaced in place (or its key added), so the copy
// keeps the original's comments and layout and differs from it by one line. nullopt
// when the place is not simple to find; the caller checks the result either way.
std::optional<std::string>
EditText(const std::string& text, const Axis& axis, const std::string& value_text)
{
    toml::table doc;
    try
    {
        doc = toml::parse(text);
    }
    catch (const toml::parse_error&)
    {
        return std::nullopt;
    }
    toml::node* cur = &doc;
    for (size_t p = 0; p < axis.path.size(); ++p)
    {
        toml::table* t = cur->as_table();
        if (!t)
        {
            return std::nullopt;
        }
        toml::node* child = t->get(axis.path[p].key);
        if (!child)
        {
            std::string dotted;
            for (size_t q = p; q < axis.path.size(); ++q)
            {
                if (!axis.path[q].indices.empty())
                {
                    return std::nullopt;
                }
                dotted += (dotted.empty() ? "" : ".") + KeyText(axis.path[q].key);
            }
            return InsertKey(text, doc, *t, dotted + " = " + value_text);
        }
        for (const size_t idx : axis.path[p].indices)
        {
            child = child->as_array() ? child->as_array()->get(idx) : nullptr;
            if (!child)
            {
                return std::nullopt;
            }
        }
        cur = child;
    }
    const std::optional<size_t> b = Offset(text, cur->source().begin);
    const std::optional<size_t> e = Offset(text, cur->source().end);
    if (!b || !e || *e < *b)
    {
        return std::nullopt;
    }
    // a comment after the value stays in its column, as scenario files align them
    size_t after = *e;
    while (after < text.size() && text[after] == ' ')
    {
        ++after;
    }
    if (after < text.size() && text[after] == '#' && value_text.find('\n') == std::string::npos)
    {
        const size_t column = after - *b;
        const size_t pad = column > value_text.size() ? column - value_text.size() : 1;
        return text.substr(0, *b) + value_text + std::string(pad, ' ') + text.substr(after);
    }
    return text.substr(0, *b) + value_text + text.substr(*e);
}

bool
ParsesTo(const std::string& text, const toml::table& expected)
{
    try
    {
        return toml::parse(text) == expected;
    }
    catch (const toml::parse_error&)
    {
        return false;
    }
}

// The scenario with the chosen values set. The text is edited in place where that
// gives exactly the document wanted (checked by parsing it back); otherwise the
// document is written out from its parsed form, comments lost.
std::string
ScenarioCopy(const std::string& source_name,
             const std::string& original_text,
             const toml::table& original,
             const std::vector<Axis>& axes,
             const std::vector<size_t>& choice)
{
    toml::table expected = original;
    std::string text = original_text;
    bool in_place = true;
    std::string settings;
    for (size_t a = 0; a < axes.size(); ++a)
    {
        const SweepValue& v = axes[a].values[choice[a]];
        SetNode(expected, axes[a], v.Node());
        settings += (settings.empty() ? "" : ", ") + axes[a].key + " = " + v.text;
        if (in_place)
        {
            const std::optional<std::string> edited = EditText(text, axes[a], v.text);
            if (edited && ParsesTo(*edited, expected))
            {
                text = *edited;
            }
            else
            {
                in_place = false;
            }
        }
    }
    std::ostringstream os;
    os << "# " << OneLine(source_name) << " with " << OneLine(settings) << " (written by sim sweep)\n";
    if (in_place)
    {
        os << text;
    }
    else
    {
        os << "# written from its parsed form: the comments of the original are not kept\n"
           << toml::toml_formatter(expected) << "\n";
    }
    return os.str();
}

// A folder name from what the user typed: every byte other than A-Z a-z 0-9 . _ + - is
// written %XX as in URLs, so no '/' (nor quote, space or comma) comes from a value
std::string
PercentEncode(const std::string& s)
{
    std::string out;
    for (const char c : s)
    {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '.' || c == '_' || c == '+' || c == '-')
        {
            out += c;
        }
        else
        {
            out += fmt::format("%{:02X}", u);
        }
    }
    return out;
}

uint64_t
Fnv1a(const std::string& s)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char c : s)
    {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return h;
}

// Most file systems end a name at 255 bytes; a longer one is cut and ends in a hash of
// the whole, so that two long names stay apart
std::string
FolderName(const std::string& encoded)
{
    constexpr size_t kMax = 200;
    if (encoded.size() <= kMax)
    {
        return encoded;
    }
    return encoded.substr(0, kMax - 17) + fmt::format("-{:016x}", Fnv1a(encoded));
}

std::vector<Run>
PlanRuns(const std::string& scenario_path, const fs::path& dir, const std::vector<Axis>& axes)
{
    std::ifstream f(scenario_path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string original_text = ss.str();
    const toml::table original = ParseTomlFile(scenario_path);
    const std::string file_name = fs::path(scenario_path).filename().string();
    // the copy names its source without the checkout's place, so that a checkout
    // elsewhere writes the same copy
    const fs::path rel = fs::path(scenario_path).lexically_proximate(RootDir());
    const std::string source_name =
        rel.empty() || *rel.begin() == ".." ? scenario_path : rel.string();

    size_t total = 1;
    for (const Axis& a : axes)
    {
        total *= a.values.size();
        // every copy is held in memory until all are known to be good
        if (total > 10000)
        {
            throw InputError("sweep: more than 10000 combinations; split it into several sweeps");
        }
    }
    std::vector<Run> runs;
    std::vector<size_t> choice(axes.size(), 0);
    for (size_t r = 0; r < total; ++r)
    {
        Run run;
        run.choice = choice;
        std::string encoded;
        for (size_t a = 0; a < axes.size(); ++a)
        {
            const std::string& v = axes[a].values[choice[a]].text;
            run.label += (run.label.empty() ? "" : ",") + axes[a].key + "=" + v;
            encoded += (encoded.empty() ? "" : ",") + PercentEncode(axes[a].key) + "=" + PercentEncode(v);
        }
        run.label = OneLine(run.label);
        run.folder = FolderName(encoded);
        run.dir = dir / run.folder;
        run.scenario = run.dir / file_name;
        run.text = ScenarioCopy(source_name, original_text, original, axes, choice);
        runs.push_back(std::move(run));
        // the last --set varies fastest, as nested loops in the order given
        for (size_t a = axes.size(); a-- > 0;)
        {
            if (++choice[a] < axes[a].values.size())
            {
                break;
            }
            choice[a] = 0;
        }
    }
    return runs;
}

// Wireshark's tcp.analysis.retransmission: a segment with data, SYN or FIN that starts
// below the next sequence number its direction had reached; a keep-alive (at most one
// byte, one below it) is not one
size_t
CountRetransmissions(const std::vector<TraceRow>& rows)
{
    std::map<std::pair<int, bool>, uint32_t> next_seq;
    size_t n = 0;
    for (const TraceRow& r : rows)
    {
        const uint8_t fl = r.rec.flags;
        const uint32_t seglen = r.rec.len + ((fl & TCPHDR_SYN) ? 1 : 0) + ((fl & TCPHDR_FIN) ? 1 : 0);
        if (seglen == 0 || (fl & TCPHDR_RST))
        {
            continue;
        }
        const uint32_t end = r.rel_seq + seglen;
        const auto [it, first] = next_seq.try_emplace({r.stream, r.from_client}, end);
        if (first)
        {
            continue;
        }
        const bool keepalive = r.rec.len <= 1 && !(fl & (TCPHDR_SYN | TCPHDR_FIN)) && r.rel_seq == it->second - 1;
        if (static_cast<int32_t>(it->second - r.rel_seq) > 0 && !keepalive)
        {
            ++n;
        }
        if (static_cast<int32_t>(end - it->second) > 0)
        {
            it->second = end;
        }
    }
    return n;
}

TraceStats
ReadTraceStats(const fs::path& pcap)
{
    const Capture cap = ReadCapture(pcap.string());
    TraceStats s;
    s.packets = cap.frames.size();
    if (cap.frames.size() >= 2)
    {
        s.duration_s = static_cast<double>(cap.frames.back().time_ns - cap.frames.front().time_ns) / 1e9;
    }
    const std::vector<TraceRow> rows = AnalyzeTrace(DecodeCapture(cap));
    for (const TraceRow& r : rows)
    {
        s.payload_bytes += r.rec.len;
    }
    s.retransmissions = CountRetransmissions(rows);
    return s;
}

std::string
FirstLine(const fs::path& file)
{
    std::ifstream f(file);
    std::string line;
    std::getline(f, line);
    return OneLine(line);
}

std::string
CsvField(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos)
    {
        return s;
    }
    std::string out = "\"";
    for (const char c : s)
    {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + "\"";
}

std::string
SummaryCsv(const std::vector<Axis>& axes, const std::vector<Run>& runs, const std::vector<RunOutcome>& outcomes)
{
    std::string csv;
    for (const Axis& a : axes)
    {
        csv += CsvField(a.key) + ",";
    }
    csv += "packets,payload_bytes,retransmissions,duration_s,wall_s,status,folder,stderr\n";
    for (size_t r = 0; r < runs.size(); ++r)
    {
        const RunOutcome& o = outcomes[r];
        for (size_t a = 0; a < axes.size(); ++a)
        {
            csv += CsvField(axes[a].values[runs[r].choice[a]].text) + ",";
        }
        if (o.stats)
        {
            csv += fmt::format("{},{},{},{:.9f},", o.stats->packets, o.stats->payload_bytes,
                               o.stats->retransmissions, o.stats->duration_s);
        }
        else
        {
            csv += ",,,,";
        }
        csv += (o.wall_s ? fmt::format("{:.3f}", *o.wall_s) : "") + ",";
        csv += (o.status ? std::to_string(*o.status) : "") + ",";
        csv += CsvField(runs[r].folder) + "," + CsvField(o.message) + "\n";
    }
    return csv;
}

// The files a run writes: cleared when its folder is prepared, so that what a folder
// holds afterwards is this sweep's (--summary-only relies on it)
void
ClearRunOutputs(const fs::path& dir)
{
    for (const char* f : {"trace.pcap", "trace.txt", "seq.png", "seq.dat", "seq.gp", "stderr.txt"})
    {
        std::error_code ec;
        fs::remove(dir / f, ec);
    }
}

unsigned
UsableCores()
{
    // the affinity mask, not the machine: a Slurm or container CPU limit shows there
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    {
        return static_cast<unsigned>(CPU_COUNT(&set));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

std::string
ShellQuote(const std::string& s)
{
    if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=,+:@%-") ==
                          std::string::npos)
    {
        return s;
    }
    std::string out = "'";
    for (const char c : s)
    {
        out += c == '\'' ? "'\\''" : std::string(1, c);
    }
    return out + "'";
}

std::vector<std::string>
RunArgs(const std::string& self, const Run& run)
{
    return {self, "run", run.scenario.string(), "-q", "--no-plot", "--out", run.dir.string()};
}

// The run's stdout is empty (-q); its stderr goes to DIR/stderr.txt
int
SpawnRun(const std::string& self, const Run& run, pid_t& pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const std::string err = (run.dir / "stderr.txt").string();
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = RunArgs(self, run);
    std::vector<char*> argv;
    for (std::string& a : args)
    {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid, self.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

RunOutcome
Finished(const Run& run, int wait_status, double wall_s)
{
    RunOutcome o;
    o.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    o.wall_s = wall_s;
    const fs::path err = run.dir / "stderr.txt";
    o.message = FirstLine(err);
    std::error_code ec;
    if (fs::file_size(err, ec) == 0 && !ec)
    {
        fs::remove(err, ec);
    }
    o.failed = *o.status != 0;
    if (!o.failed)
    {
        try
        {
            o.stats = ReadTraceStats(run.dir / "trace.pcap");
        }
        catch (const std::exception& e)
        {
            o.failed = true;
            o.message = OneLine(e.what());
        }
    }
    return o;
}

std::vector<RunOutcome>
RunAll(const std::vector<Run>& runs, unsigned jobs)
{
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    using Clock = std::chrono::steady_clock;
    std::vector<RunOutcome> outcomes(runs.size());
    std::map<pid_t, std::pair<size_t, Clock::time_point>> running;
    size_t next = 0;
    size_t finished = 0;
    auto progress = [&](size_t r) {
        const RunOutcome& o = outcomes[r];
        ++finished;
        std::cerr << fmt::format("sweep: {}/{} {} {:.2f} s{}{}\n",
                                 finished,
                                 runs.size(),
                                 runs[r].label,
                                 o.wall_s.value_or(0),
                                 o.status && *o.status != 0 ? fmt::format(", exit {}", *o.status) : "",
                                 o.message.empty() ? "" : ": " + o.message)
                  << std::flush;
    };
    while (finished < runs.size())
    {
        while (running.size() < jobs && next < runs.size())
        {
            pid_t pid = 0;
            const auto start = Clock::now();
            const int rc = SpawnRun(self, runs[next], pid);
            if (rc != 0)
            {
                outcomes[next].status = 127; // as a shell reports a command it cannot start
                outcomes[next].failed = true;
                outcomes[next].message = fmt::format("cannot start {}: {}", self, std::strerror(rc));
                progress(next++);
                continue;
            }
            running[pid] = {next++, start};
        }
        if (running.empty())
        {
            continue;
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            throw std::runtime_error(fmt::format("sweep: waitpid: {}", std::strerror(errno)));
        }
        const auto it = running.find(pid);
        if (it == running.end())
        {
            continue;
        }
        const auto [r, start] = it->second;
        running.erase(it);
        outcomes[r] = Finished(runs[r], status, std::chrono::duration<double>(Clock::now() - start).count());
        progress(r);
    }
    return outcomes;
}

// What the folders of a sweep run elsewhere (--jobs-file) hold
std::vector<RunOutcome>
CollectOutcomes(const std::vector<Run>& runs)
{
    std::vector<RunOutcome> outcomes(runs.size());
    for (size_t r = 0; r < runs.size(); ++r)
    {
        RunOutcome& o = outcomes[r];
        std::ifstream f(runs[r].scenario, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        if (!f || ss.str() != runs[r].text)
        {
            o.failed = true;
            o.message = fmt::format("{} is missing or not this sweep's copy", runs[r].scenario.filename().string());
            continue;
        }
        o.message = FirstLine(runs[r].dir / "stderr.txt");
        if (!fs::exists(runs[r].dir / "trace.pcap"))
        {
            o.failed = true;
            o.message = "no trace.pcap: not run yet, or failed (its stderr is in the scheduler's log)";
            continue;
        }
        try
        {
            o.stats = ReadTraceStats(runs[r].dir / "trace.pcap");
        }
        catch (const std::exception& e)
        {
            o.failed = true;
            o.message = OneLine(e.what());
        }
    }
    return outcomes;
}

std::string
SweepCommandLine(const SweepOptions& opt, const fs::path& dir)
{
    std::string line = "sim sweep " + ShellQuote(opt.scenario);
    for (const std::string& s : opt.sets)
    {
        line += " --set " + ShellQuote(s);
    }
    return line + " --out " + ShellQuote(dir.string());
}

void
WriteJobsFile(const SweepOptions& opt, const std::vector<Run>& runs, const fs::path& dir)
{
    const std::string root = RootDir();
    for (const Run& run : runs)
    {
        // the runs are checked here, where a mistake costs nothing, not on the cluster
        LoadScenario(run.scenario.string(), root);
    }
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    // a binary finds the profiles in the checkout it was built from; name another one
    std::error_code ec;
    const bool built_here = fs::weakly_canonical(root, ec) == fs::weakly_canonical(SIM_SOURCE_DIR, ec);
    const std::string env = built_here ? "" : "SIM_ROOT=" + ShellQuote(fs::absolute(root).string()) + " ";
    std::string lines;
    for (const Run& run : runs)
    {
        std::string line = env;
        for (const std::string& a : RunArgs(self, run))
        {
            line += (line.empty() || line.back() == ' ' ? "" : " ") + ShellQuote(a);
        }
        lines += line + "\n";
    }
    const fs::path file = fs::absolute(opt.jobs_file);
    WriteFileAtomic(file.string(), lines);
    const std::string f = ShellQuote(file.string());
    const std::string array_task = "bash -c \"$(sed -n ${SLURM_ARRAY_TASK_ID}p " + f + ")\"";
    std::cout << fmt::format(
        "wrote {}: {} runs, one command line each, nothing run. Run them, from hosts that see {} at that path:\n"
        "  parallel -j {} < {}\n"
        "  parallel --sshloginfile HOSTS < {}\n"
        "  sbatch --array=1-{} --wrap {}\n"
        "then build the summary: {} --summary-only\n",
        file.string(), runs.size(), dir.string(), UsableCores(), f, f, runs.size(), ShellQuote(array_task),
        SweepCommandLine(opt, dir));
}

void
Sweep(const SweepOptions& opt)
{
    const std::string root = RootDir();
    const std::string path = ResolveScenarioPath(opt.scenario, root);
    std::vector<Axis> axes;
    for (const std::string& s : opt.sets)
    {
        Axis a = ParseSet(s);
        for (const Axis& before : axes)
        {
            if (before.key == a.key)
            {
                BadSet(a.key, "set twice; give its values in one --set");
            }
        }
        axes.push_back(std::move(a));
    }
    const std::string name = fs::path(path).stem().string();
    const fs::path dir =
        fs::absolute(opt.out.empty() ? fs::path(root) / "out" / name / "sweep" : fs::path(opt.out)).lexically_normal();
    // every copy is made in memory first: bad input stops the sweep before a file is written
    const std::vector<Run> runs = PlanRuns(path, dir, axes);
    const fs::path summary = dir / "summary.csv";

    std::vector<RunOutcome> outcomes;
    if (opt.summary_only)
    {
        if (!fs::is_directory(dir))
        {
            throw InputError(fmt::format("{}: no such sweep folder (--summary-only reads the folders of a "
                                         "--jobs-file sweep; give its --out)",
                                         dir.string()));
        }
        outcomes = CollectOutcomes(runs);
    }
    else
    {
        OutputDir(dir.string(), name);
        for (const Run& run : runs)
        {
            OutputDir(run.dir.string(), name);
            ClearRunOutputs(run.dir);
            WriteFileAtomic(run.scenario.string(), run.text);
        }
        if (!opt.jobs_file.empty())
        {
            WriteJobsFile(opt, runs, dir);
            return;
        }
        outcomes = RunAll(runs, opt.jobs ? opt.jobs : UsableCores());
    }
    WriteFileAtomic(summary.string(), SummaryCsv(axes, runs, outcomes));
    const size_t failed = static_cast<size_t>(
        std::count_if(outcomes.begin(), outcomes.end(), [](const RunOutcome& o) { return o.failed; }));
    std::cout << fmt::format("wrote {} ({} run{})\n", summary.string(), runs.size(), runs.size() == 1 ? "" : "s");
    if (failed)
    {
        throw InputError(fmt::format("sweep: {} of {} runs {}; see {}", failed, runs.size(),
                                     opt.summary_only ? "have no trace" : "failed", summary.string()));
    }
}

constexpr const char* kSweepHelp = R"help(
Every combination of the --set values runs once, the first --set varying slowest, as
its own process (`sim run COPY -q --no-plot --out RUNDIR`), at most N at a time. RUNDIR
is DIR/KEY=V,KEY=V/ (e.g. out/v1/sweep/client.sends=2,server.recv_size=5/) and COPY is
RUNDIR/NAME.toml: the scenario with those values, edited in place so its comments stay
(written from its parsed form when an edit in place is not possible).

KEY  a dotted path into the scenario's TOML: client.sends, server.think.reply,
     client.requests[3].at (list entries from 0); a part other than A-Z a-z 0-9 _ - is
     quoted: 'server.files."/big"'. A key the scenario lacks is added; each run checks
     its copy as any scenario, so an unknown key fails that run with the loader's line.
V    a TOML value: 2, 0.5, true, "text" (a string keeps its quotes:
     --set 'client.message="Hi"'), [1024, 512], {ms = 1}. The values are split at
     commas outside quotes, [] and {}.
Folder names: each byte of KEY and V other than A-Z a-z 0-9 . _ + - is written %XX (as
     in URLs: "/big" is %22%2Fbig%22), so no value makes a '/'; a name longer than 200
     bytes is cut and ends in a hash of the whole.

DIR/summary.csv: a header, then one row per run in the order of the combinations:
     the KEY columns (values as given), packets (frames in trace.pcap), payload_bytes
     (sum of the TCP payload lengths), retransmissions (segments with data, SYN or FIN
     starting below what their direction had already sent, as Wireshark's
     tcp.analysis.retransmission; 0 while the link loses nothing), duration_s (first to
     last packet, simulated), wall_s (the run's process, start to exit), status (its
     exit status), folder, stderr (the first line the run wrote there; all of it is in
     RUNDIR/stderr.txt). A failed run keeps its row, its trace columns empty.
Progress: one line per finished run on stderr. Exit status: 0 when every run exited 0;
     2 for bad input (nothing is written) or when a run failed (after summary.csv).

Larger than one machine: --jobs-file F writes the copies and F, one command line per
run with absolute paths, and runs nothing. From hosts that see the same paths:
     parallel -j N < F                         GNU parallel, here
     parallel --sshloginfile HOSTS < F         GNU parallel, over ssh
     sbatch --array=1-RUNS --wrap 'bash -c "$(sed -n ${SLURM_ARRAY_TASK_ID}p F)"'
                                               a Slurm array, RUNS = lines of F
then the same `sim sweep` with --summary-only writes summary.csv from the folders
(status and wall_s empty: those runs were not started by it).)help";

} // namespace

void
AddSweepCommand(CLI::App& app, int& exit_code)
{
    auto opt = std::make_shared<SweepOptions>();
    CLI::App* cmd = app.add_subcommand(
        "sweep", "Run a scenario for every combination of values, each run its own process; write summary.csv");
    cmd->add_option("scenario", opt->scenario, "scenario name (see `sim list`) or path to a .toml")->required();
    cmd->add_option("--set", opt->sets, "a scenario key and its values (one --set per key)")
        ->required()
        ->allow_extra_args(false)
        ->type_name("KEY=V1,V2,...");
    cmd->add_option("-j,--jobs", opt->jobs,
                    fmt::format("runs at a time (default: the cores this process may use, here {})", UsableCores()))
        ->check(CLI::Range(1u, 4096u).description(""))
        ->type_name("N");
    cmd->add_option("--out", opt->out, "sweep folder DIR (default: out/NAME/sweep)")->type_name("DIR");
    auto* jobs_file =
        cmd->add_option("--jobs-file", opt->jobs_file, "write the runs' command lines to F instead of running them")
            ->type_name("F");
    cmd->add_flag("--summary-only", opt->summary_only,
                  "write DIR/summary.csv from the run folders of a --jobs-file sweep, running nothing")
        ->excludes(jobs_file);
    cmd->footer(kSweepHelp);
    cmd->callback([opt, &exit_code]() {
        Sweep(*opt);
        exit_code = 0;
    });
}

} // namespace sim
