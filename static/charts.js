/*
 * Palisade charts: progressive enhancement of server-rendered chart slots.
 *
 * Markup contract (rendered by the server):
 *
 *   <div class="chart" data-chart="chart-scores" aria-label="Scores by function: ...">
 *     <p>Fallback shown when the chart cannot be drawn (for example a pointer
 *        to the data table that sits next to the chart).</p>
 *   </div>
 *   <script type="application/json" id="chart-scores">{ ...ECharts option... }</script>
 *
 * For every [data-chart] element the JSON data block named by the attribute is
 * parsed and handed to ECharts (SVG renderer). If ECharts is missing or the
 * data is unusable the fallback content is left alone and a console warning is
 * logged; this script never throws.
 *
 * Plain ES2017, no modules, no eval, no inline styles: safe under
 * Content-Security-Policy script-src 'self'.
 */
(function () {
  'use strict';

  var RESIZE_DELAY_MS = 150;
  var instances = [];
  var resizeTimer = null;
  var reducedMotionQuery = null;

  function warn(message, detail) {
    try {
      if (window.console && typeof window.console.warn === 'function') {
        if (detail !== undefined) {
          window.console.warn('[palisade charts] ' + message, detail);
        } else {
          window.console.warn('[palisade charts] ' + message);
        }
      }
    } catch (ignored) {
      // Logging must never break the page.
    }
  }

  function prefersReducedMotion() {
    return !!(reducedMotionQuery && reducedMotionQuery.matches);
  }

  function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  // Under a strict CSP ECharts' HTML tooltips lose their inline styles (the
  // colour markers disappear), so default to tooltips drawn inside the SVG.
  // A renderMode set explicitly by the server is respected.
  function preferRichTextTooltips(opts) {
    var tooltips = Array.isArray(opts.tooltip) ? opts.tooltip : [opts.tooltip];
    tooltips.forEach(function (tooltip) {
      if (isPlainObject(tooltip) && tooltip.renderMode === undefined) {
        tooltip.renderMode = 'richText';
      }
    });
  }

  function readOptions(el) {
    var sourceId = el.getAttribute('data-chart');
    if (!sourceId) {
      warn('element has an empty data-chart attribute', el);
      return null;
    }
    var source = document.getElementById(sourceId);
    if (!source) {
      warn('no data block with id "' + sourceId + '"', el);
      return null;
    }
    var opts;
    try {
      opts = JSON.parse(source.textContent);
    } catch (err) {
      warn('could not parse JSON in #' + sourceId, err);
      return null;
    }
    if (!isPlainObject(opts)) {
      warn('data block #' + sourceId + ' is not a JSON object', el);
      return null;
    }
    if (prefersReducedMotion()) {
      opts.animation = false;
    }
    if (opts.tooltip !== undefined) {
      preferRichTextTooltips(opts);
    }
    return opts;
  }

  function initChart(el) {
    if (el.getAttribute('data-chart-ready') === 'true') {
      return;
    }
    var echarts = window.echarts;
    if (!echarts || typeof echarts.init !== 'function') {
      warn('ECharts is not loaded; leaving the fallback content in place', el);
      return;
    }
    var opts = readOptions(el);
    if (!opts) {
      return;
    }

    // ECharts appends its drawing surface after existing children, so park the
    // fallback content while drawing and put it back if anything goes wrong.
    var label = el.getAttribute('aria-label');
    var role = el.getAttribute('role');
    var fallback = document.createDocumentFragment();
    while (el.firstChild) {
      fallback.appendChild(el.firstChild);
    }

    var chart = null;
    try {
      chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(opts);
    } catch (err) {
      warn('could not draw chart from #' + el.getAttribute('data-chart'), err);
      try {
        if (chart) {
          chart.dispose();
        }
      } catch (ignored) {
        // Fall through to restoring the fallback.
      }
      while (el.firstChild) {
        el.removeChild(el.firstChild);
      }
      el.appendChild(fallback);
      restoreAccessibility(el, label, role);
      return;
    }

    if (!el.hasAttribute('role')) {
      el.setAttribute('role', 'img');
    }
    // ECharts' own aria module may rewrite the label; the server's wins.
    if (label !== null && el.getAttribute('aria-label') !== label) {
      el.setAttribute('aria-label', label);
    }
    el.setAttribute('data-chart-ready', 'true');
    instances.push(chart);
  }

  function restoreAccessibility(el, label, role) {
    if (label === null) {
      el.removeAttribute('aria-label');
    } else {
      el.setAttribute('aria-label', label);
    }
    if (role === null) {
      el.removeAttribute('role');
    } else {
      el.setAttribute('role', role);
    }
  }

  function resizeAll() {
    instances.forEach(function (chart) {
      try {
        if (!chart.isDisposed()) {
          chart.resize();
        }
      } catch (err) {
        warn('could not resize a chart', err);
      }
    });
  }

  function scheduleResize() {
    if (resizeTimer !== null) {
      window.clearTimeout(resizeTimer);
    }
    resizeTimer = window.setTimeout(function () {
      resizeTimer = null;
      resizeAll();
    }, RESIZE_DELAY_MS);
  }

  function onReducedMotionChange() {
    var animation = !prefersReducedMotion();
    instances.forEach(function (chart) {
      try {
        if (!chart.isDisposed()) {
          chart.setOption({ animation: animation });
        }
      } catch (err) {
        warn('could not update chart animation', err);
      }
    });
  }

  function start() {
    try {
      if (typeof window.matchMedia === 'function') {
        reducedMotionQuery = window.matchMedia('(prefers-reduced-motion: reduce)');
        if (typeof reducedMotionQuery.addEventListener === 'function') {
          reducedMotionQuery.addEventListener('change', onReducedMotionChange);
        } else if (typeof reducedMotionQuery.addListener === 'function') {
          reducedMotionQuery.addListener(onReducedMotionChange);
        }
      }
    } catch (err) {
      warn('could not read the reduced-motion preference', err);
    }

    var elements = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < elements.length; i++) {
      try {
        initChart(elements[i]);
      } catch (err) {
        warn('unexpected error while setting up a chart', err);
      }
    }

    if (instances.length > 0) {
      window.addEventListener('resize', scheduleResize);
      // Printing changes the page width; redraw at print size and back.
      window.addEventListener('beforeprint', resizeAll);
      window.addEventListener('afterprint', resizeAll);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
