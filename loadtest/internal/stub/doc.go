// Package stub is a stand-in for the LiteLLM proxy: an http.Handler that answers /v1/chat/completions
// with a fixed OpenAI-style body after a latency it is told, and sets the x-litellm-overhead-duration-ms
// header LiteLLM sets. The tests measure the load tester against it, and `loadtest -stub` serves it on
// a real listener for trying the tool without AWS.
package stub
