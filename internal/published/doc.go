// Package published holds LiteLLM's published benchmark figures, the one copy both the load test (which
// judges a run against them) and the cost estimate (which prices the traffic they describe) read.
//
// Every published figure comes from LiteLLM's "Benchmarks" page (Page): Locust against the proxy's
// fake-openai-endpoint model, LiteLLM on machines of 4 vCPU and 8 GB, PostgreSQL, no Redis. Its
// /chat/completions rows give, for 4 instances, median 100 ms, p95 150 ms, p99 240 ms, average 111.73 ms at
// 1,170 RPS, with a LiteLLM overhead (the x-litellm-overhead-duration-ms header) of median 2 ms, p95 8 ms,
// p99 13 ms; for 2 instances, median 200 ms, p95 630 ms, p99 1,200 ms, average 262.46 ms at 1,035.7 RPS,
// overhead median 12 ms, p95 29 ms, p99 43 ms. Nothing was published for 8 instances: For scales the
// 4-instance throughput linearly (292.5 RPS per instance, so 2,340 RPS for 8) and keeps the 4-instance
// latencies, since more instances behind the same load should not be slower. Other instance counts are
// scaled the same way from 4 instances; below 4 they keep the 2-instance latencies, the only published
// figures for a smaller deployment.
package published
