// Network JSON files and crash-safe file writing.
//
// Network file format (UTF-8 JSON object):
//   {"p": P, "r": R, "a": [r signs ±1], "b": [r biases], "W": [[p weights of neuron 1], ...,
//    [p weights of neuron r]]}
// plus an optional "meta" object (free-form provenance, ignored on reading). W is stored neuron by
// neuron, i.e. the transpose of the p × r matrix used in memory. Doubles are written with 17
// significant digits, so a write/read round trip is exact.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "theory/model.hpp"

namespace reluid::theory {

/// JSON object of a network (format above); `meta` is stored under "meta" when not null.
nlohmann::json network_to_json(const Network& net, const nlohmann::json& meta = nullptr);

/// Parses and validates a network object. Errors name the field, e.g.
/// "network.W[2]: must have p = 10 entries (got 9)". `where` prefixes messages (a file name).
Network network_from_json(const nlohmann::json& j, const std::string& where = "network");

/// Reads a network file; errors name the file and the field.
Network read_network(const std::filesystem::path& path);

/// Writes a network file atomically (see write_text_atomic).
void write_network(const std::filesystem::path& path, const Network& net,
                   const nlohmann::json& meta = nullptr);

/// Reads a whole text file; throws std::runtime_error naming the path if it cannot.
std::string read_text(const std::filesystem::path& path);

/// Writes `text` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path`: readers see the old file or the new one, never a half-written one.
void write_text_atomic(const std::filesystem::path& path, const std::string& text);

}  // namespace reluid::theory
