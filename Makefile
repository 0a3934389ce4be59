# Quick start: `make demo` and `make test`. Both install missing Debian packages first (as root,
# or through sudo), build in Release and run. Other targets: build, bench, sanitize, format, clean.

PACKAGES := g++ cmake make git libarmadillo-dev libopenblas-dev libboost-math-dev \
            libboost-random-dev catch2 libcli11-dev nlohmann-json3-dev libtomlplusplus-dev \
            libxgboost-dev libglpk-dev gnuplot-nox
BUILD    ?= build
JOBS     ?= $(shell nproc)
WERROR   ?= OFF
CMAKE_FLAGS ?=

.PHONY: deps build demo test bench sanitize format clean

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DRELUID_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

DEMO_OUT ?= out/demo
demo: build
	./$(BUILD)/reluid sweep sim/configs/demo.toml --out $(DEMO_OUT)
	./$(BUILD)/reluid analyze $(DEMO_OUT)
	./$(BUILD)/reluid plot $(DEMO_OUT)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD)/reluid_bench

# ASan + UBSan build of the fast tests (everything not tagged [slow]).
sanitize: deps
	@cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DRELUID_SANITIZE=ON -DRELUID_BENCH=OFF \
	  -DRELUID_WERROR=$(WERROR) >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./$(BUILD)-asan/reluid_tests "~[slow]~[.]"

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
