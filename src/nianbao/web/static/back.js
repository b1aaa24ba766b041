// The error page's "返回上一页": shown only when there is a page to go back to.

const back = document.getElementById("go-back");
if (back && window.history.length > 1) {
  back.hidden = false;
  back.addEventListener("click", () => window.history.back());
}
