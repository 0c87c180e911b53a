//! Snapshots of one report rendered as JSON, as text for a terminal and as Markdown: a change of
//! format is a visible diff here.

use expect_test::expect;

use super::super::{json, markdown, text};
use super::report;

#[test]
fn json_schema() {
    expect![[r#"
        {
          "base": {
            "ref": "HEAD~1",
            "commit": "0123456789abcdef0123456789abcdef01234567"
          },
          "artifacts": [
            {
              "name": "demo",
              "crate": "demo",
              "before": {
                "opt_bytes": 544,
                "gzip_bytes": 272,
                "brotli_bytes": 181,
                "run": {
                  "startup_instructions": 40,
                  "instructions": 10000,
                  "initial_memory": 65536,
                  "peak_memory": 131072
                }
              },
              "after": {
                "opt_bytes": 820,
                "gzip_bytes": 410,
                "brotli_bytes": 273,
                "run": {
                  "startup_instructions": 40,
                  "instructions": 10500,
                  "initial_memory": 65536,
                  "peak_memory": 196608
                }
              },
              "crates": [
                {
                  "name": "demo",
                  "before": 310,
                  "after": 511
                },
                {
                  "name": "core",
                  "before": 8,
                  "after": 21
                }
              ],
              "functions": [
                {
                  "name": "demo::added",
                  "crate": "demo",
                  "before": 0,
                  "after": 254,
                  "change": "added"
                },
                {
                  "name": "demo::gone",
                  "crate": "demo",
                  "before": 154,
                  "after": 0,
                  "change": "removed"
                },
                {
                  "name": "demo::grows",
                  "crate": "demo",
                  "before": 103,
                  "after": 204,
                  "change": "grown"
                },
                {
                  "name": "core::ptr::drop_in_place<u32>",
                  "crate": "core",
                  "before": 0,
                  "after": 13,
                  "change": "added"
                }
              ],
              "generic_functions": [
                {
                  "name": "core::ptr::drop_in_place<…>",
                  "before": 8,
                  "after": 21,
                  "instances_before": 1,
                  "instances_after": 2
                }
              ],
              "sections": [
                {
                  "name": "code section framing",
                  "before": 4,
                  "after": 4
                },
                {
                  "name": "data",
                  "before": 11,
                  "after": 11
                },
                {
                  "name": "custom sections",
                  "before": 178,
                  "after": 239
                },
                {
                  "name": "other sections (header, types, imports, exports, …)",
                  "before": 33,
                  "after": 34
                }
              ]
            }
          ]
        }
    "#]]
    .assert_eq(&json::render(&report()).unwrap());
}

#[test]
fn text_report() {
    expect![[r#"
        demo: base HEAD~1 (0123456789ab) -> working tree
                         before      after  Δ
          optimised         544        820  +276 B (+50.7%)
          gzip              272        410  +138 B (+50.7%)
          brotli            181        273  +92 B (+50.8%)
          startup            40         40  +0 (+0.0%)
          run             10000      10500  +500 (+5.0%)
          peak mem       131072     196608  +65536 B (+50.0%)

                 Δ    before     after  crate
              +201       310       511  demo
               +13         8        21  core

          functions: 2 added, 1 removed, 1 grown, 0 shrunk; largest |Δ| first
                 Δ    before     after  change   function (crate)
              +254         0       254  added    demo::added (demo)
              -154       154         0  removed  demo::gone (demo)
              +101       103       204  grown    demo::grows (demo)
               +13                               (1 more changed functions)

          generic functions, collapsed over their instances
                 Δ    before     after  instances         function
               +13         8        21  ×1 -> ×2 (+1)     core::ptr::drop_in_place<…>

                 Δ    before     after  outside function bodies
                +0         4         4  code section framing
                +0        11        11  data
               +61       178       239  custom sections
                +1        33        34  other sections (header, types, imports, exports, …)

          total: functions +214 B + sections +62 B = file +276 B

    "#]]
    .assert_eq(&text::render(&report(), 3));
}

#[test]
fn markdown_report() {
    expect![[r#"
        ### Size diff: demo (base `HEAD~1 (0123456789ab)` → working tree)

        | | before | after | Δ |
        | :--- | ---: | ---: | ---: |
        | optimised | 544 | 820 | +276 B (+50.7%) |
        | gzip | 272 | 410 | +138 B (+50.7%) |
        | brotli | 181 | 273 | +92 B (+50.8%) |
        | startup | 40 | 40 | +0 (+0.0%) |
        | run | 10000 | 10500 | +500 (+5.0%) |
        | peak mem | 131072 | 196608 | +65536 B (+50.0%) |

        | crate | before | after | Δ |
        | :--- | ---: | ---: | ---: |
        | `demo` | 310 | 511 | +201 |
        | `core` | 8 | 21 | +13 |

        | function | crate | change | before | after | Δ |
        | :--- | :--- | :--- | ---: | ---: | ---: |
        | `demo::added` | `demo` | added | 0 | 254 | +254 |
        | `demo::gone` | `demo` | removed | 154 | 0 | -154 |
        | `demo::grows` | `demo` | grown | 103 | 204 | +101 |
        | (1 more) | | | | | +13 |

        | generic function | instances | before | after | Δ |
        | :--- | ---: | ---: | ---: | ---: |
        | `core::ptr::drop_in_place<…>` | ×1 → ×2 | 8 | 21 | +13 |

        functions +214 B + sections +62 B = file +276 B

    "#]]
    .assert_eq(&markdown::render(&report(), 3));
}
