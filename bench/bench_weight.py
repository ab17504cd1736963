"""Weight and time of the student's pages on a slow phone network, served as deployed (issue 15).

The app runs as in production: DEBUG=0, `collectstatic` (hashed, pre-compressed files that
WhiteNoise serves), Daphne, pages gzipped by GZipMiddleware (docs/deployment.md, "Compression").
Chromium (Debian's, as in the browser tests) at 360 px loads each page of the demo student `siswa`
cold (a fresh context: no cache, no service worker) under Chrome's "Slow 3G" preset through the
DevTools protocol (400 ms round trip, 400 kbit/s each way). Printed per page: the bytes on the wire
(encoded, headers included), the requests, and the time to usable (the load event: the page,
its CSS and its scripts are in). Then signing in (the submit to the home page's load event) and
sending a chat message (Send to the ack shown, the socket connected; through a relay that delays
and rates the socket's frames as Slow 3G, which Chrome's emulation does not), each the second of two
tries; then the repeat visit of the home page with the service worker.
Figures only; nothing passes or fails on them.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("EKONSELING_CHROMIUM", "/usr/bin/chromium")
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
PHONE = {"width": 360, "height": 740}
BUDGET_KB, BUDGET_S = 40, 3.0
NOT_PAGES = (".pdf", ".xlsx", ".csv", ".json", ".svg", ".ics")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _production_env():
    from django.conf import settings

    from ekonseling.core import crypto

    keys = ",".join(settings.DATA_KEYS) or crypto._development_key()
    return {
        **os.environ,
        "DEBUG": "0",
        "EKONSELING_TESTING": "0",
        "SECRET_KEY": "bench-weight-" + "x" * 50,
        "EKONSELING_DATA_KEYS": keys,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
    }


class Server:
    def __init__(self):
        self.env = _production_env()
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        self.process = None

    def __enter__(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "ekonseling.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{self.port}/healthz", headers={"Host": "localhost"})
                with urllib.request.urlopen(request, timeout=2):  # noqa: S310
                    return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("Daphne did not start") from None
                time.sleep(0.3)

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def measure(browser, url, storage_state=None, service_workers="block"):
    """(bytes on the wire, requests, seconds to the load event) of one cold load under Slow 3G."""
    context = browser.new_context(viewport=PHONE, storage_state=storage_state, service_workers=service_workers)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        sizes = {}
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(url, wait_until="load", timeout=120_000)
        load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        path = urlsplit(page.url).path
        return sum(sizes.values()), len(sizes), load_ms / 1000, path
    finally:
        context.close()


def repeat_visit(browser, url, storage_state):
    """The second visit of a page, the service worker installed by the first: (bytes from the
    network besides the page itself, requests that reached the network besides the page, requests
    the service worker answered from its cache, seconds to the load event). The page passes
    through the worker to the network (it is never kept)."""
    context = browser.new_context(viewport=PHONE, storage_state=storage_state, service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url)
        if not page.locator("link[rel=manifest]").count():
            return None
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        responses, sizes = {}, {}

        def received(event):
            if event["type"] != "Document":
                responses[event["requestId"]] = bool(event["response"].get("fromServiceWorker"))

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(url, wait_until="load", timeout=120_000)
        load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        network = [sizes.get(key, 0) for key, from_worker in responses.items() if not from_worker]
        return sum(network), len(network), sum(responses.values()), load_ms / 1000
    finally:
        context.close()


class SlowLink:
    """A TCP relay in front of the server with Slow 3G's delay and rate each way, for what Chrome's
    emulation leaves alone: it throttles HTTP but not WebSocket frames, so a chat message over the
    socket would be timed on a fast network. Each chunk arrives half a round trip after it was sent,
    and no sooner than the link's rate allows after the one before it."""

    def __init__(self, port):
        self.upstream = port
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        self.loop = None

    def __enter__(self):
        import asyncio
        import threading

        ready = threading.Event()

        def serve():
            self.loop = asyncio.new_event_loop()
            self.server = self.loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", self.port))
            ready.set()
            self.loop.run_forever()
            self.loop.close()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc):
        import asyncio

        async def close():
            self.server.close()
            tasks = asyncio.all_tasks() - {asyncio.current_task()}
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self.loop is not None:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    async def _relay(self, client_reader, client_writer):
        import asyncio

        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
            await asyncio.gather(
                self._pump(client_reader, server_writer),
                self._pump(server_reader, client_writer),
                return_exceptions=True,
            )
        except asyncio.CancelledError:
            client_writer.close()  # the relay is closing

    async def _pump(self, reader, writer):
        import asyncio

        loop = asyncio.get_running_loop()
        rate = SLOW_3G["downloadThroughput"]
        free_at = 0.0
        pending = []
        try:
            while chunk := await reader.read(16384):
                now = loop.time()
                free_at = max(free_at, now) + len(chunk) / rate
                due = free_at + SLOW_3G["latency"] / 2000
                pending.append(loop.create_task(self._deliver(writer, chunk, due, pending[-1] if pending else None)))
            if pending:
                await pending[-1]
        finally:
            writer.close()

    @staticmethod
    async def _deliver(writer, chunk, due, before):
        import asyncio

        if before is not None:
            await before  # in order
        await asyncio.sleep(max(0.0, due - asyncio.get_running_loop().time()))
        writer.write(chunk)
        await writer.drain()


def _throttled(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return cdp


def time_sign_in(browser, base, username, password):
    """Signing in on Slow 3G, the sign-in page already shown (its CSS and script cached as they
    would be): (seconds from the submit to the home page's load event, seconds to the POST's
    answer (the password check), bytes on the wire, requests, where it landed)."""
    context = browser.new_context(base_url=base, viewport=PHONE, service_workers="block")
    try:
        page = context.new_page()
        cdp = _throttled(context, page)
        page.goto("/masuk/", wait_until="load", timeout=120_000)
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        sizes = {}
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        with page.expect_navigation(wait_until="load", timeout=120_000):
            page.locator("main form button[type=submit]").click()
        # The home document's navigation starts at the submit: its redirect is the POST's answer.
        load_ms, post_ms = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.loadEventEnd, n.redirectEnd || n.fetchStart]; }"
        )
        return load_ms / 1000, post_ms / 1000, sum(sizes.values()), len(sizes), urlsplit(page.url).path
    finally:
        context.close()


def time_chat_message(browser, base, storage_state, url):
    """Sending a chat message on Slow 3G once the chat page is up (its socket connected, or its
    fallback polling): (seconds from pressing Send to the ack shown (the bubble numbered), the
    transport, seconds until the page was live). `base` is the SlowLink's: socket frames too go
    over the slow link."""
    context = browser.new_context(base_url=base, viewport=PHONE, storage_state=storage_state, service_workers="block")
    try:
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_selector("[data-chat][data-mode=live], [data-chat][data-mode=polling]", timeout=60_000)
        live_s = page.evaluate("() => performance.now()") / 1000
        mode = page.locator("[data-chat]").get_attribute("data-mode")
        marker = f"Bench {time.time_ns()}"
        page.fill("#chat-body", marker)
        seconds = page.evaluate(
            """(marker) => new Promise((resolve) => {
                const start = performance.now();
                const acked = () => [...document.querySelectorAll("li.msg.mine[data-seq]")]
                    .some((li) => li.textContent.includes(marker));
                const observer = new MutationObserver(() => {
                    if (acked()) { observer.disconnect(); resolve((performance.now() - start) / 1000); }
                });
                observer.observe(document.body, {subtree: true, childList: true, attributes: true});
                document.querySelector("form[data-composer] [data-send]").click();
            })""",
            marker,
        )
        return seconds, mode, live_s
    finally:
        context.close()


def student_pages(browser, base, storage_state):
    """The student's pages: the menu's, the account, a chat and an instrument being filled in."""
    context = browser.new_context(base_url=base, viewport=PHONE, storage_state=storage_state)
    page = context.new_page()
    page.goto("/beranda/")
    urls = page.locator("header details.menu nav a").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    urls = [*urls, "/akun/"]
    for listing, prefix in (("/konseling/", "/konseling/"), ("/instrumen/saya/", "/instrumen/isi/")):
        page.goto(listing)
        hrefs = page.locator("main a[href]").evaluate_all("a => a.map(x => x.getAttribute('href'))")
        urls += [h for h in hrefs if h.startswith(prefix) and h[len(prefix) : len(prefix) + 1].isdigit()][:1]
    context.close()
    return [u for u in dict.fromkeys(urls) if not u.endswith(NOT_PAGES)]


def run():
    from playwright.sync_api import sync_playwright

    from ekonseling.core import demo

    if not Path(CHROMIUM).exists():
        print(f"  skipped: no Chromium at {CHROMIUM} (make chromium)")
        return
    with Server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            signing_in = browser.new_context(base_url=server.url, viewport=PHONE)
            page = signing_in.new_page()
            page.goto("/masuk/")
            page.fill("#id_username", "siswa")
            page.fill("#id_password", demo.DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            state = signing_in.storage_state()
            signing_in.close()

            rows = [("/masuk/ (signed out)", *measure(browser, server.url + "/masuk/"))]
            pages = student_pages(browser, server.url, state)
            for url in pages:
                rows.append((url, *measure(browser, server.url + url, state)))
            print(f"  Slow 3G (400 ms RTT, 400 kbit/s), 360 px, cold cache; budget {BUDGET_KB} KB, {BUDGET_S:.0f} s")
            for url, size, requests, seconds, landed in rows:
                over = " OVER" if size / 1024 > BUDGET_KB or seconds > BUDGET_S else ""
                where = "" if landed == url.split()[0] else f" -> {landed}"
                print(
                    f"  weight[{url}]: {size / 1024:.1f} KB in {requests} requests, "
                    f"usable in {seconds:.2f} s{where}{over}",
                    flush=True,
                )

            for _ in range(2):  # the second of each is what a student meets once the server is warm
                seconds, post_s, size, requests, landed = time_sign_in(browser, server.url, "siswa", demo.DEMO_PASSWORD)
            over = " OVER" if seconds > BUDGET_S else ""
            print(
                f"  sign-in[submit -> {landed} usable]: {seconds:.2f} s (the password check answered in "
                f"{post_s:.2f} s), {size / 1024:.1f} KB in {requests} requests{over}",
                flush=True,
            )
            chat = next((u for u in pages if u.startswith("/konseling/") and u[11:12].isdigit()), None)
            if chat:
                with SlowLink(server.port) as link:
                    for _ in range(2):
                        seconds, mode, live_s = time_chat_message(browser, link.url, state, chat)
                over = " OVER" if seconds > BUDGET_S else ""
                print(
                    f"  chat[{chat} send -> ack shown]: {seconds:.2f} s over the {mode} transport "
                    f"(the page was live {live_s:.2f} s after opening){over}",
                    flush=True,
                )

            repeat = repeat_visit(browser, server.url + "/beranda/", state)
            if repeat is None:
                print("  repeat[/beranda/]: no service worker")
                return
            size, requests, from_worker, seconds = repeat
            print(
                f"  repeat[/beranda/]: the page, then {requests} requests ({size / 1024:.1f} KB) to the network "
                f"and {from_worker} answered by the service worker; usable in {seconds:.2f} s",
                flush=True,
            )
        finally:
            browser.close()
