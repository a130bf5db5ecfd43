import os

from locust import HttpUser, between, constant_throughput, events, task

HOST = os.environ.get("TARGET_HOST")
if not HOST:
    raise SystemExit("set TARGET_HOST to your own staging or local service")

MAX_ERROR_RATE = 0.05
GRACE_SECONDS = 30


class ApiUser(HttpUser):
    host = HOST
    wait_time = constant_throughput(float(os.environ.get("PER_USER_RPS", "1")))

    @task(5)
    def list_items(self):
        self.client.get("/api/items?limit=20", name="/api/items")

    @task(2)
    def item_detail(self):
        self.client.get("/api/items/1", name="/api/items/:id")

    @task(1)
    def health(self):
        self.client.get("/healthz")


@events.init.add_listener
def guard(environment, **_):
    if float(os.environ.get("PER_USER_RPS", "1")) > 2:
        raise SystemExit("PER_USER_RPS above the 2 req/s cap")

    def check():
        import gevent
        gevent.sleep(GRACE_SECONDS)
        while environment.runner and environment.runner.state not in ("stopped", "quitting"):
            total = environment.stats.total
            if total.num_requests and total.num_failures / total.num_requests > MAX_ERROR_RATE:
                print(f"error rate {total.num_failures / total.num_requests:.1%} > 5%, stopping")
                environment.runner.quit()
                return
            gevent.sleep(5)

    if environment.runner is not None:
        import gevent
        gevent.spawn(check)
