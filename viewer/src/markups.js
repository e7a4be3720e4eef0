// Markups on the map: features from annotations and findings, styled by discipline colour,
// severity and status; revision clouds drawn scalloped.  Styles are cached by their look, and a
// cloud's scallops are computed once per geometry, so thousands of markups stay cheap to draw.

import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import LineString from 'ol/geom/LineString.js';
import Polygon from 'ol/geom/Polygon.js';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import { toMap } from './map.js';

// the server's palette (services/comment_library.PALETTE); replaced by /api/annotation-library's
export const DISCIPLINE_COLORS = {
  planning: '#1f6fd1',
  fire: '#d62728',
  civil_defence: '#2ca02c',
  lightning: '#9467bd',
  meteorology: '#ff7f0e',
  drawing: '#5d4037',
  other: '#555555',
};

export const colorOf = (d) => DISCIPLINE_COLORS[d] || DISCIPLINE_COLORS.other;

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

function ringOf(points) {
  if (points.length === 2) {
    const [[x0, y0], [x1, y1]] = points;
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  }
  return points;
}

export function geometryOf(kind, geometry) {
  const pts = (geometry && geometry.points) || [];
  if (!pts.length) return null;
  const m = pts.map(toMap);
  switch (kind) {
    case 'pin':
    case 'text':
      return new Point(m[0]);
    case 'arrow':
    case 'polyline':
      return m.length >= 2 ? new LineString(m) : new Point(m[0]);
    case 'rect':
    case 'cloud':
    default: {
      const ring = ringOf(pts).map(toMap);
      if (ring.length < 3) return new Point(m[0]);
      return new Polygon([[...ring, ring[0]]]);
    }
  }
}

// Scallops along a closed ring: semicircles bulging outwards, chord ~ perimeter / 28.
export function cloudRing(ring) {
  const pts = ring.slice();
  if (pts.length > 1) {
    const [a, b] = [pts[0], pts[pts.length - 1]];
    if (a[0] === b[0] && a[1] === b[1]) pts.pop();
  }
  const n = pts.length;
  if (n < 3) return null;
  let area = 0;
  let perim = 0;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[(i + 1) % n];
    area += x0 * y1 - x1 * y0;
    perim += Math.hypot(x1 - x0, y1 - y0);
  }
  if (perim === 0) return null;
  const ccw = area > 0; // y up: counter-clockwise
  const chord = Math.max(perim / 28, 1e-6);
  const out = [];
  for (let i = 0; i < n; i++) {
    const p = pts[i];
    const q = pts[(i + 1) % n];
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (len === 0) continue;
    const count = Math.max(1, Math.round(len / chord));
    const ux = (q[0] - p[0]) / len;
    const uy = (q[1] - p[1]) / len;
    // outward normal: right of the direction for a counter-clockwise ring
    const nx = ccw ? uy : -uy;
    const ny = ccw ? -ux : ux;
    const step = len / count;
    const r = step / 2;
    for (let k = 0; k < count; k++) {
      const cx = p[0] + ux * (k * step + r);
      const cy = p[1] + uy * (k * step + r);
      for (let j = 0; j <= 8; j++) {
        const th = (Math.PI * j) / 8;
        // from the arc start (-u) through the bulge (n) to the arc end (+u)
        out.push([cx - ux * r * Math.cos(th) + nx * r * Math.sin(th), cy - uy * r * Math.cos(th) + ny * r * Math.sin(th)]);
      }
    }
  }
  out.push(out[0]);
  return new Polygon([out]);
}

export function featureOf(key, v) {
  const geom = geometryOf(v.kind, v.geometry);
  if (!geom) return null;
  const f = new Feature({ geometry: geom });
  f.setId(key);
  setLook(f, v);
  if (v.kind === 'cloud' && geom.getType() === 'Polygon') f.set('cloud', cloudRing(geom.getCoordinates()[0]), true);
  return f;
}

export function setLook(f, v) {
  f.set('kind', v.kind, true);
  f.set('discipline', v.discipline, true);
  f.set('severity', v.severity, true);
  f.set('status', v.status, true);
  f.set('automatic', !!v.automatic, true);
  f.set('pending', !!v.pending, true);
  f.set('text', v.kind === 'text' ? (v.geometry && v.geometry.text) || v.body || '' : '', true);
  f.set('finding', !!v.isFinding, true);
}

const cache = new Map();
const cloudGeom = (f) => f.get('cloud') || f.getGeometry();

function lookKey(f, selected) {
  return [f.get('kind'), f.get('discipline'), f.get('severity'), f.get('status'), f.get('automatic') ? 1 : 0,
    f.get('pending') ? 1 : 0, selected ? 1 : 0].join('|');
}

function baseStyles(f, selected) {
  const key = lookKey(f, selected);
  const hit = cache.get(key);
  if (hit) return hit;
  const kind = f.get('kind');
  const color = colorOf(f.get('discipline'));
  const closed = f.get('status') === 'closed';
  const alpha = closed ? 0.45 : 1;
  const stroke = rgba(color, alpha);
  const width = f.get('severity') === 'mandatory' ? 3 : f.get('severity') === 'suggestion' ? 1.5 : 2.2;
  const dash = f.get('automatic') ? [8, 6] : f.get('pending') ? [3, 4] : undefined;
  const styles = [];
  if (selected) {
    styles.push(new Style({
      geometry: kind === 'cloud' ? cloudGeom : undefined,
      stroke: new Stroke({ color: 'rgba(255,213,79,0.9)', width: width + 8 }),
      image: new CircleStyle({ radius: 13, fill: new Fill({ color: 'rgba(255,213,79,0.8)' }) }),
    }));
  }
  if (kind === 'pin') {
    styles.push(new Style({
      image: new CircleStyle({
        radius: 8,
        fill: new Fill({ color: stroke }),
        stroke: new Stroke({ color: '#fff', width: 2, lineDash: dash }),
      }),
    }));
  } else if (kind === 'text') {
    styles.push(new Style({
      image: new CircleStyle({ radius: 3, fill: new Fill({ color: stroke }) }),
    }));
  } else {
    styles.push(new Style({
      geometry: kind === 'cloud' ? cloudGeom : undefined,
      stroke: new Stroke({ color: stroke, width, lineDash: dash, lineCap: 'round', lineJoin: 'round' }),
      fill: kind === 'rect' || kind === 'cloud' ? new Fill({ color: rgba(color, closed || f.get('automatic') ? 0.025 : 0.07) }) : undefined,
    }));
  }
  cache.set(key, styles);
  return styles;
}

// Severity on the map, not only in line width: a badge at the markup's upper right corner —
// a red "!" for a mandatory clause, an orange dot for a general comment, a green "?" for a
// suggestion (the list and the report use the same three).
export const SEVERITY_COLORS = { mandatory: '#c62828', general: '#ef6c00', suggestion: '#2e7d32' };
const SEVERITY_MARKS = { mandatory: '!', general: '•', suggestion: '?' };
const badgeCache = new Map();

function badgeStyle(severity, closed) {
  const key = `${severity}|${closed ? 1 : 0}`;
  let style = badgeCache.get(key);
  if (!style) {
    const color = SEVERITY_COLORS[severity];
    style = new Style({
      geometry: (f) => {
        const e = (f.get('cloud') || f.getGeometry()).getExtent();
        return new Point([e[2], e[3]]);
      },
      image: new CircleStyle({ radius: 8, fill: new Fill({ color: closed ? rgba(color, 0.45) : color }),
                               stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
      text: new Text({ text: SEVERITY_MARKS[severity], font: 'bold 11px sans-serif', fill: new Fill({ color: '#fff' }) }),
      zIndex: 2,
    });
    badgeCache.set(key, style);
  }
  return style;
}

export function styleFn(selectedKey) {
  return (f) => {
    const selected = f.getId() === selectedKey();
    let styles = baseStyles(f, selected);
    const sev = f.get('severity');
    if (SEVERITY_COLORS[sev] && f.get('kind') !== 'text') styles = styles.concat(badgeStyle(sev, f.get('status') === 'closed'));
    const kind = f.get('kind');
    if (kind === 'arrow') {
      const g = f.getGeometry();
      if (g.getType() !== 'LineString') return styles;
      const c = g.getCoordinates();
      const [a, b] = [c[c.length - 2], c[c.length - 1]];
      const rot = Math.atan2(b[0] - a[0], b[1] - a[1]);
      const color = colorOf(f.get('discipline'));
      return styles.concat(new Style({
        geometry: new Point(b),
        image: new RegularShape({ points: 3, radius: 9, rotation: rot, fill: new Fill({ color }), rotateWithView: true }),
      }));
    }
    if (kind === 'text') {
      const color = colorOf(f.get('discipline'));
      return styles.concat(new Style({
        text: new Text({
          text: f.get('text'),
          font: '600 14px "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif',
          fill: new Fill({ color }),
          backgroundFill: new Fill({ color: 'rgba(255,255,255,0.85)' }),
          backgroundStroke: new Stroke({ color, width: selected ? 2 : 1 }),
          padding: [2, 4, 2, 4],
          textAlign: 'left',
          offsetX: 6,
        }),
      }));
    }
    return styles;
  };
}
