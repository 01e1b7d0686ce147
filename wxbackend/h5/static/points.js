// 定位: the nearest service points (an inline script would need a weaker CSP).
document.getElementById("locate").addEventListener("click", function () {
  var tip = document.getElementById("locate-tip");
  if (!navigator.geolocation) { tip.textContent = "您的浏览器不支持定位，请搜索区县或地址。"; return; }
  tip.textContent = "正在定位…";
  navigator.geolocation.getCurrentPosition(function (pos) {
    var c = pos.coords;
    location.href = "/h5/points?lat=" + c.latitude.toFixed(6) + "&lng=" + c.longitude.toFixed(6);
  }, function () { tip.textContent = "无法获取位置，请在设置中允许定位，或搜索区县、地址。"; },
  { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
});
