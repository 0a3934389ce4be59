// Tests of the network model, its validation and its JSON file format.
#include <catch2/catch.hpp>
#include <filesystem>

#include "sim/seed.hpp"
#include "tests/support.hpp"
#include "theory/io.hpp"
#include "theory/model.hpp"

using namespace reluid;
using theory::Network;

using test::random_network;

TEST_CASE("predict: matches the per-sample definition of eq. (2)", "[model]") {
  auto rng = sim::make_engine(1, 0, 0, sim::Stream::truth);
  const auto r = GENERATE(arma::uword{1}, arma::uword{3}, arma::uword{8});
  CAPTURE(r);
  const Network net = random_network(7, r, rng);
  const arma::mat X = theory::standard_normal(50, 7, rng);
  const arma::vec f = theory::predict(net, X);
  REQUIRE(f.n_elem == 50);
  for (arma::uword i = 0; i < X.n_rows; ++i) {
    double expect = 0.0;
    for (arma::uword j = 0; j < r; ++j) {
      double z = net.b(j);
      for (arma::uword k = 0; k < 7; ++k) z += X(i, k) * net.W(k, j);
      expect += net.a(j) * std::max(z, 0.0);
    }
    REQUIRE(f(i) == Approx(expect).epsilon(1e-12).margin(1e-12));
  }
}

TEST_CASE("validate: rejects malformed networks with the field named", "[model]") {
  auto rng = sim::make_engine(1, 0, 1, sim::Stream::truth);
  Network net = random_network(4, 2, rng);
  REQUIRE_NOTHROW(theory::validate(net));
  SECTION("sign not ±1") {
    net.a(1) = 0.5;
    REQUIRE_THROWS_WITH(theory::validate(net), Catch::Contains("a[1] must be +1 or -1 (got 0.5)"));
  }
  SECTION("bias length") {
    net.b = arma::vec(3, arma::fill::zeros);
    REQUIRE_THROWS_WITH(theory::validate(net),
                        Catch::Contains("b must have r = 2 entries (got 3)"));
  }
  SECTION("non-finite weight") {
    net.W(2, 1) = arma::datum::nan;
    REQUIRE_THROWS_WITH(theory::validate(net), Catch::Contains("W(2,1) must be finite"));
  }
  SECTION("r = 0") {
    net.W.set_size(4, 0);
    net.a.reset();
    net.b.reset();
    REQUIRE_THROWS_AS(theory::validate(net), std::invalid_argument);
  }
  SECTION("X with the wrong width") {
    REQUIRE_THROWS_WITH(theory::predict(net, arma::mat(3, 5, arma::fill::zeros)),
                        Catch::Contains("X must have p = 4 columns (got 5)"));
  }
}

TEST_CASE("network JSON: write/read round trip is exact", "[model][io]") {
  auto rng = sim::make_engine(2, 0, 0, sim::Stream::truth);
  const Network net = random_network(13, 5, rng);
  const auto path = std::filesystem::temp_directory_path() / "reluid_test_roundtrip.json";
  theory::write_network(path, net, {{"note", "test"}});
  const Network back = theory::read_network(path);
  std::filesystem::remove(path);
  REQUIRE(arma::approx_equal(back.W, net.W, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(back.b, net.b, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(back.a, net.a, "absdiff", 0.0));
}

TEST_CASE("network JSON: malformed files are rejected naming the field", "[model][io]") {
  using nlohmann::json;
  const json good = json::parse(R"({"p":2,"r":2,"a":[1,-1],"b":[0.5,0],"W":[[1,2],[3,4]]})");
  REQUIRE_NOTHROW(theory::network_from_json(good, "f.json"));
  struct Case {
    std::string patch;
    std::string message;
  };
  const auto c = GENERATE(values<Case>({
      {R"({"p":0})", "f.json.p: must be a positive integer (got 0)"},
      {R"({"r":1.5})", "f.json.r: must be a positive integer (got 1.5)"},
      {R"({"a":[1,0]})", "f.json.a[1]: must be +1 or -1 (got 0)"},
      {R"({"a":[1]})", "f.json.a: must have 2 entries (got 1)"},
      {R"({"b":[0.5,"x"]})", "f.json.b[1]: must be a number (got \"x\")"},
      {R"({"W":[[1,2]]})", "f.json.W: must have r = 2 neurons (got 1)"},
      {R"({"W":[[1,2],[3]]})", "f.json.W[1]: must have 2 entries (got 1)"},
      {R"({"extra":1})", "f.json: unknown field \"extra\""},
  }));
  CAPTURE(c.patch);
  json bad = good;
  bad.merge_patch(json::parse(c.patch));
  REQUIRE_THROWS_WITH(theory::network_from_json(bad, "f.json"), Catch::Contains(c.message));
}

TEST_CASE("read_network: unparsable files name the file", "[model][io]") {
  const auto path = std::filesystem::temp_directory_path() / "reluid_test_bad.json";
  const auto text = GENERATE(as<std::string>{}, R"({"p":1,"r":1,"a":[1],"b":[0],"W":[[1e400]]})",
                             R"({"p":1,"r":1,"a":[1],"b":[NaN],"W":[[1]]})", "{\"p\":", "");
  CAPTURE(text);
  theory::write_text_atomic(path, text);
  REQUIRE_THROWS_WITH(theory::read_network(path),
                      Catch::StartsWith(path.string() + ": not valid JSON"));
  std::filesystem::remove(path);
  REQUIRE_THROWS_WITH(theory::read_network(path), Catch::Contains("cannot open"));
}

TEST_CASE("write_text_atomic: replaces content and leaves no temporary file", "[io]") {
  const auto dir = std::filesystem::temp_directory_path() / "reluid_test_atomic";
  std::filesystem::create_directories(dir);
  const auto path = dir / "out.txt";
  theory::write_text_atomic(path, "first\n");
  theory::write_text_atomic(path, "second\n");
  REQUIRE(theory::read_text(path) == "second\n");
  REQUIRE(std::distance(std::filesystem::directory_iterator(dir), {}) == 1);
  std::filesystem::remove_all(dir);
  REQUIRE_THROWS_AS(theory::write_text_atomic(dir / "no" / "such" / "dir.txt", "x"),
                    std::runtime_error);
}
