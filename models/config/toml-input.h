// SPDX-License-Identifier: GPL-2.0-only
// Strict reading of TOML input files (scenarios, kernel profiles): every key must be
// known and of the right type, and every error names the file, the line and the key.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim
{

// Bad input: printed as one line "FILE:LINE: KEY: what is wrong"; exit status 2
class InputError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// `s` with its control characters written as TOML escapes: an error line quotes what
// a file or a command line says, and must stay one line
std::string OneLine(const std::string& s);

// Parses a file; a syntax error becomes an InputError with its line.
toml::table ParseTomlFile(const std::string& path);

// A table being read. Keys are marked as they are read; Finish() rejects the rest.
class TomlReader
{
  public:
    TomlReader(const toml::table& table, std::string file, std::string prefix = "");

    bool Has(const std::string& key) const;

    std::string String(const std::string& key);
    std::string String(const std::string& key, const std::string& fallback);
    int64_t Integer(const std::string& key, int64_t min, int64_t max);
    int64_t Integer(const std::string& key, int64_t min, int64_t max, int64_t fallback);
    std::optional<int64_t> OptionalInteger(const std::string& key, int64_t min, int64_t max);
    double Number(const std::string& key, double min, double max, double fallback);
    bool Bool(const std::string& key, bool fallback);
    std::vector<int64_t> IntegerList(const std::string& key, int64_t min, int64_t max);
    std::vector<std::string> StringList(const std::string& key);
    // A number or a list of numbers (one per call of a repeated step)
    std::vector<double> NumberOrList(const std::string& key, double min, double max);

    // A sub-table; absent gives an empty one
    TomlReader Table(const std::string& key);
    // A list of tables (`key = [{...}, {...}]` or [[key]]); absent gives none
    std::vector<TomlReader> TableList(const std::string& key);
    std::vector<std::string> Keys() const;

    // Throws for every key that was present but not read.
    void Finish() const;

    [[noreturn]] void Fail(const std::string& key, const std::string& what) const;
    const std::string& File() const { return m_file; }

  private:
    const toml::node* Node(const std::string& key);
    [[noreturn]] void TypeError(const std::string& key, const char* expected) const;
    std::string Name(const std::string& key) const;
    int64_t ToInteger(const std::string& key, const toml::node& n, int64_t min, int64_t max) const;
    double ToNumber(const std::string& key, const toml::node& n, double min, double max) const;

    const toml::table& m_table;
    std::string m_file;
    std::string m_prefix;
    std::set<std::string> m_used;
};

} // namespace sim
