// Drawing tools (OpenLayers Draw interactions): markups in sheet coordinates, and measuring
// distance and area in real units through the sheet's transform [a, e, f] and unit_m.

import Draw from 'ol/interaction/Draw.js';
import Overlay from 'ol/Overlay.js';
import { Fill, Stroke, Style, Circle as CircleStyle } from 'ol/style.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import Snap from 'ol/interaction/Snap.js';
import { unByKey } from 'ol/Observable.js';
import VectorSource from 'ol/source/Vector.js';
import { get } from './api.js';
import { BoxDraw } from './boxdraw.js';
import { toMap, toSheet } from './map.js';
import { t } from './i18n.js';

export const MARKUP_TOOLS = ['pin', 'rect', 'cloud', 'arrow', 'polyline', 'text'];
export const MEASURE_TOOLS = ['measure_distance', 'measure_area'];

const DRAW_TYPES = {
  pin: 'Point',
  text: 'Point',
  rect: 'Circle',
  cloud: 'Circle',
  cloud_polygon: 'Polygon',
  arrow: 'LineString',
  polyline: 'LineString',
  measure_distance: 'LineString',
  measure_area: 'Polygon',
};

const sketchStyle = new Style({
  stroke: new Stroke({ color: '#1f6feb', width: 2, lineDash: [6, 4] }),
  fill: new Fill({ color: 'rgba(31,111,235,0.08)' }),
  image: new CircleStyle({ radius: 5, fill: new Fill({ color: '#1f6feb' }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
});

// Real-world measures.  Without a transform (a PDF sheet of unknown scale) the result is in points.
export function measurer(sheet) {
  const tr = sheet.transform && sheet.transform.length === 3 && sheet.transform[0] ? sheet.transform : null;
  const unitM = sheet.unit_m || 0;
  const scaled = !!(tr && unitM);
  const k = scaled ? unitM / tr[0] : 1; // metres per point
  return {
    scaled,
    length(points) {
      let s = 0;
      for (let i = 1; i < points.length; i++) s += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
      return s * k;
    },
    area(points) {
      let s = 0;
      for (let i = 0; i < points.length; i++) {
        const [x0, y0] = points[i];
        const [x1, y1] = points[(i + 1) % points.length];
        s += x0 * y1 - x1 * y0;
      }
      return (Math.abs(s) / 2) * k * k;
    },
    formatLength(v) {
      if (!scaled) return `${v.toFixed(1)} ${t('unit.pt')}`;
      return v >= 1000 ? `${(v / 1000).toFixed(3)} km` : `${v.toFixed(v < 10 ? 3 : 2)} ${t('unit.m')}`;
    },
    formatArea(v) {
      if (!scaled) return `${v.toFixed(1)} ${t('unit.pt')}²`;
      return `${v.toFixed(2)} ${t('unit.m2')}`;
    },
    // drawing units from sheet points: x = (px - e) / a, y = (f - py) / a
    toDrawing([px, py]) {
      if (!tr) return [px, py];
      return [(px - tr[1]) / tr[0], (tr[2] - py) / tr[0]];
    },
  };
}

export class Tools {
  constructor({ ctx, sheet, onMarkup, onMeasure, layerQuery }) {
    this.ctx = ctx;
    this.sheet = sheet;
    this.onMarkup = onMarkup;
    this.onMeasure = onMeasure;
    this.layerQuery = layerQuery || (() => '');
    this.vertexAsk = 0; // the latest vertex request: an older answer (other layers) is dropped
    this.active = 'select';
    this.draw = null;
    this.m = measurer(sheet);
    this.measureOverlays = [];
    this.cloudPolygon = false;
    // measuring snaps to the drawing's own corners and ends when wanted (the S key / button):
    // the vertices in view come from /api/sheets/{id}/vertices, reloaded as the view moves
    this.snapOn = false;
    this.snapSource = new VectorSource();
    this.snap = null;
    this.snapKey = null;
  }

  setSnap(on) {
    this.snapOn = on;
    this.applySnap();
  }

  applySnap() {
    const want = this.snapOn && MEASURE_TOOLS.includes(this.active);
    if (this.snap) {  // re-added after the drawing interaction, as OpenLayers asks
      this.ctx.map.removeInteraction(this.snap);
      this.snap = null;
      unByKey(this.snapKey);
      this.snapKey = null;
    }
    if (!want) return;
    this.snap = new Snap({ source: this.snapSource, pixelTolerance: 12, edge: false, vertex: true });
    this.ctx.map.addInteraction(this.snap);
    this.snapKey = this.ctx.map.on('moveend', () => this.loadVertices());
    this.loadVertices();
  }

  async loadVertices() {
    const size = this.ctx.map.getSize();
    if (!size) return;
    const [x0, y0, x1, y1] = this.ctx.view.calculateExtent(size);
    const bbox = [x0, -y1, x1, -y0].map((v) => v.toFixed(2)).join(',');
    const layers = this.layerQuery();
    const ask = ++this.vertexAsk;
    try {
      const data = await get(`/api/sheets/${this.sheet.id}/vertices?bbox=${bbox}&limit=3000${layers ? `&${layers}` : ''}`);
      if (ask !== this.vertexAsk) return;
      this.snapSource.clear(true);
      this.snapSource.addFeatures(data.points.map((p) => new Feature(new Point(toMap(p)))));
      this.ctx.map.getTargetElement().dataset.snapPoints = String(data.points.length);
    } catch (e) {
      this.ctx.map.getTargetElement().dataset.snapPoints = '0';
    }
  }

  set(tool) {
    if (this.draw) {
      this.ctx.map.removeInteraction(this.draw);
      this.draw = null;
    }
    this.active = tool;
    if (tool === 'select') { this.applySnap(); return; }
    if (tool === 'rect' || (tool === 'cloud' && !this.cloudPolygon)) { // press-drag-release, or click-click
      this.draw = new BoxDraw({ source: this.ctx.sketchSource, style: sketchStyle, onEnd: (f) => this._end(tool, f) });
      this.ctx.map.addInteraction(this.draw);
      return;
    }
    let type = tool === 'cloud' && this.cloudPolygon ? 'Polygon' : DRAW_TYPES[tool];
    const opts = { source: this.ctx.sketchSource, type, style: sketchStyle, stopClick: true };
    if (tool === 'arrow') opts.maxPoints = 2;
    this.draw = new Draw(opts);
    if (MEASURE_TOOLS.includes(tool)) this._measure(tool);
    this.draw.on('drawend', (e) => this._end(tool, e.feature));
    this.ctx.map.addInteraction(this.draw);
    this.applySnap();
  }

  cancel() {
    if (this.draw) this.draw.abortDrawing();
  }

  _end(tool, feature) {
    const g = feature.getGeometry();
    if (MEASURE_TOOLS.includes(tool)) return; // handled by the measure listener
    let points;
    if (g.getType() === 'Point') points = [toSheet(g.getCoordinates())];
    else if (g.getType() === 'LineString') points = g.getCoordinates().map(toSheet);
    else {
      const ring = g.getCoordinates()[0].slice(0, -1).map(toSheet);
      if (tool === 'rect' || (tool === 'cloud' && !this.cloudPolygon)) {
        const xs = ring.map((p) => p[0]);
        const ys = ring.map((p) => p[1]);
        points = [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
      } else points = ring;
    }
    // the sketch stays visible until the form is saved or cancelled
    setTimeout(() => this.onMarkup(tool === 'cloud_polygon' ? 'cloud' : tool, points, feature), 0);
  }

  clearSketch() {
    this.ctx.sketchSource.clear();
  }

  _measure(tool) {
    let tip = null;
    let listener = null;
    this.draw.on('drawstart', (e) => {
      const el = document.createElement('div');
      el.className = 'measure-tip';
      tip = new Overlay({ element: el, offset: [10, -10], positioning: 'bottom-left', stopEvent: false });
      this.ctx.map.addOverlay(tip);
      this.measureOverlays.push(tip);
      const geom = e.feature.getGeometry();
      listener = geom.on('change', () => {
        const text = this._measureText(tool, geom);
        el.textContent = text;
        const c = tool === 'measure_area' ? geom.getInteriorPoint().getCoordinates() : geom.getLastCoordinate();
        tip.setPosition(c);
        this.onMeasure(text);
      });
    });
    this.draw.on('drawend', (e) => {
      if (listener) listener.target.un('change', listener.listener);
      const geom = e.feature.getGeometry();
      const text = this._measureText(tool, geom);
      if (tip) tip.getElement().textContent = text;
      tip && tip.getElement().classList.add('done');
      this.onMeasure(text, true);
    });
  }

  _measureText(tool, geom) {
    if (tool === 'measure_distance') {
      return t('measure.distance', { v: this.m.formatLength(this.m.length(geom.getCoordinates().map(toSheet))) }) +
        (this.m.scaled ? '' : ' ' + t('measure.no_scale'));
    }
    const ring = geom.getCoordinates()[0].map(toSheet);
    return t('measure.area', { v: this.m.formatArea(this.m.area(ring)) }) + (this.m.scaled ? '' : ' ' + t('measure.no_scale'));
  }

  clearMeasures() {
    for (const o of this.measureOverlays) this.ctx.map.removeOverlay(o);
    this.measureOverlays = [];
    this.ctx.sketchSource.clear();
  }
}
