/* Every page installs the phone app's service worker, once the page itself has loaded, so its
   precaching never competes with what the reader came for. */
const meta = document.querySelector('meta[name="service-worker"]');
if (meta && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(meta.content, { scope: "/", type: "module" }).catch(() => {});
  });
}
