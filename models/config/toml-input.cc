// SPDX-License-Identifier: GPL-2.0-only
#include "models/config/toml-input.h"

#include <fmt/format.h>

namespace sim
{

// An InputError is printed as one line (exit status 2), but a message quotes what the
// file says, and a TOML string or quoted key may hold a newline ("a\nb", '''...''').
// Control characters are written as TOML escapes. (Found by tests/fuzz.)
std::string
OneLine(const std::string& s)
{
    std::string out;
    for (const char c : s)
    {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n')
        {
            out += "\\n";
        }
        else if (c == '\r')
        {
            out += "\\r";
        }
        else if ((u < 0x20 && c != '\t') || u == 0x7f)
        {
            out += fmt::format("\\u{:04X}", u);
        }
        else
        {
            out += c;
        }
    }
    return out;
}

toml::table
ParseTomlFile(const std::string& path)
{
    try
    {
        return toml::parse_file(path);
    }
    catch (const toml::parse_error& e)
    {
        const auto& src = e.source();
        if (src.begin.line == 0)
        {
            throw InputError(OneLine(fmt::format("{}: cannot read: {}", path, e.description())));
        }
        throw InputError(OneLine(
            fmt::format("{}:{}: TOML syntax error: {}", path, src.begin.line, e.description())));
    }
}

TomlReader::TomlReader(const toml::table& table, std::string file, std::string prefix)
    : m_table(table),
      m_file(std::move(file)),
      m_prefix(std::move(prefix))
{
}

std::string
TomlReader::Name(const std::string& key) const
{
    return m_prefix.empty() ? key : m_prefix + "." + key;
}

void
TomlReader::Fail(const std::string& key, const std::string& what) const
{
    const toml::node* n = m_table.get(key);
    const auto line = n ? n->source().begin.line : m_table.source().begin.line;
    throw InputError(OneLine(fmt::format("{}:{}: {}: {}", m_file, line, Name(key), what)));
}

void
TomlReader::TypeError(const std::string& key, const char* expected) const
{
    const toml::node* n = m_table.get(key);
    std::string got = "something else";
    if (n)
    {
        switch (n->type())
        {
        case toml::node_type::string:
            got = "a string";
            break;
        case toml::node_type::integer:
            got = "an integer";
            break;
        case toml::node_type::floating_point:
            got = "a number";
            break;
        case toml::node_type::boolean:
            got = "a boolean";
            break;
        case toml::node_type::array:
            got = "a list";
            break;
        case toml::node_type::table:
            got = "a table";
            break;
        default:
            break;
        }
    }
    Fail(key, fmt::format("expected {}, got {}", expected, got));
}

bool
TomlReader::Has(const std::string& key) const
{
    return m_table.contains(key);
}

const toml::node*
TomlReader::Node(const std::string& key)
{
    m_used.insert(key);
    return m_table.get(key);
}

std::string
TomlReader::String(const std::string& key)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        Fail(key, "missing (required)");
    }
    if (!n->is_string())
    {
        TypeError(key, "a string");
    }
    return n->as_string()->get();
}

std::string
TomlReader::String(const std::string& key, const std::string& fallback)
{
    return Has(key) ? String(key) : (m_used.insert(key), fallback);
}

int64_t
TomlReader::ToInteger(const std::string& key, const toml::node& n, int64_t min, int64_t max) const
{
    if (!n.is_integer())
    {
        TypeError(key, "an integer");
    }
    const int64_t v = n.as_integer()->get();
    if (v < min || v > max)
    {
        Fail(key, fmt::format("{} is out of range [{}, {}]", v, min, max));
    }
    return v;
}

double
TomlReader::ToNumber(const std::string& key, const toml::node& n, double min, double max) const
{
    double v = 0;
    if (n.is_integer())
    {
        v = static_cast<double>(n.as_integer()->get());
    }
    else if (n.is_floating_point())
    {
        v = n.as_floating_point()->get();
    }
    else
    {
        TypeError(key, "a number");
    }
    if (!(v >= min && v <= max))
    {
        Fail(key, fmt::format("{} is out of range [{}, {}]", v, min, max));
    }
    return v;
}

int64_t
TomlReader::Integer(const std::string& key, int64_t min, int64_t max)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        Fail(key, "missing (required)");
    }
    return ToInteger(key, *n, min, max);
}

int64_t
TomlReader::Integer(const std::string& key, int64_t min, int64_t max, int64_t fallback)
{
    const toml::node* n = Node(key);
    return n ? ToInteger(key, *n, min, max) : fallback;
}

std::optional<int64_t>
TomlReader::OptionalInteger(const std::string& key, int64_t min, int64_t max)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        return std::nullopt;
    }
    return ToInteger(key, *n, min, max);
}

double
TomlReader::Number(const std::string& key, double min, double max, double fallback)
{
    const toml::node* n = Node(key);
    return n ? ToNumber(key, *n, min, max) : fallback;
}

bool
TomlReader::Bool(const std::string& key, bool fallback)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        return fallback;
    }
    if (!n->is_boolean())
    {
        TypeError(key, "true or false");
    }
    return n->as_boolean()->get();
}

std::vector<int64_t>
TomlReader::IntegerList(const std::string& key, int64_t min, int64_t max)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        Fail(key, "missing (required)");
    }
    if (!n->is_array())
    {
        TypeError(key, "a list of integers");
    }
    std::vector<int64_t> out;
    for (const toml::node& e : *n->as_array())
    {
        out.push_back(ToInteger(key, e, min, max));
    }
    return out;
}

std::vector<std::string>
TomlReader::StringList(const std::string& key)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        Fail(key, "missing (required)");
    }
    if (!n->is_array() || n->as_array()->empty())
    {
        TypeError(key, "a list of strings");
    }
    std::vector<std::string> out;
    for (const toml::node& e : *n->as_array())
    {
        if (!e.is_string())
        {
            TypeError(key, "a list of strings");
        }
        out.push_back(e.as_string()->get());
    }
    return out;
}

std::vector<double>
TomlReader::NumberOrList(const std::string& key, double min, double max)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        return {};
    }
    std::vector<double> out;
    if (n->is_array())
    {
        for (const toml::node& e : *n->as_array())
        {
            out.push_back(ToNumber(key, e, min, max));
        }
        if (out.empty())
        {
            Fail(key, "empty list");
        }
    }
    else
    {
        out.push_back(ToNumber(key, *n, min, max));
    }
    return out;
}

TomlReader
TomlReader::Table(const std::string& key)
{
    const toml::node* n = Node(key);
    if (!n)
    {
        static const toml::table empty;
        return TomlReader(empty, m_file, Name(key));
    }
    if (!n->is_table())
    {
        TypeError(key, "a table");
    }
    return TomlReader(*n->as_table(), m_file, Name(key));
}

std::vector<TomlReader>
TomlReader::TableList(const std::string& key)
{
    std::vector<TomlReader> out;
    const toml::node* n = Node(key);
    if (!n)
    {
        return out;
    }
    if (!n->is_array())
    {
        TypeError(key, "a list of tables");
    }
    size_t i = 0;
    for (const toml::node& e : *n->as_array())
    {
        if (!e.is_table())
        {
            TypeError(key, "a list of tables");
        }
        out.emplace_back(*e.as_table(), m_file, Name(key) + "[" + std::to_string(i++) + "]");
    }
    return out;
}

std::vector<std::string>
TomlReader::Keys() const
{
    std::vector<std::string> keys;
    for (const auto& [k, v] : m_table)
    {
        keys.emplace_back(k.str());
    }
    return keys;
}

void
TomlReader::Finish() const
{
    for (const auto& [k, v] : m_table)
    {
        const std::string key(k.str());
        if (!m_used.count(key))
        {
            Fail(key, "unknown key");
        }
    }
}

} // namespace sim
