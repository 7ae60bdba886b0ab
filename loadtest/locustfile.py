# The seed's Locust scenario, kept for those who prefer Locust to `go run ./loadtest` (which replays the
# same scenario). Run it headless with the published settings:
#
#   LITELLM_MASTER_KEY=sk-... locust -f loadtest/locustfile.py --headless \
#     -u 1000 -r 500 -t 5m --host http://<load_balancer_url>
from locust import HttpUser, task, between
import os

class LiteLLMUser(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.master_key = os.environ.get("LITELLM_MASTER_KEY")

    @task
    def chat_completion(self):
        self.client.post("/v1/chat/completions",
            headers={"Authorization": f"Bearer {self.master_key}", "Content-Type": "application/json"},
            json={"model": "fake-openai-endpoint", "messages": [{"role": "user", "content": "test"}]})
