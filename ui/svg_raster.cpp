#include "svg_raster.h"

#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

namespace loadscope {

QString writeSvgAsPng(const std::string& svg, const QString& path, double scale) {
    QSvgRenderer renderer(QByteArray::fromStdString(svg));
    if (!renderer.isValid())
        return QObject::tr("the SVG could not be read");
    const QSize size = (QSizeF(renderer.defaultSize()) * scale).toSize();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        renderer.render(&painter);
    }
    if (!image.save(path, "PNG"))
        return QObject::tr("%1 could not be written").arg(path);
    return {};
}

} // namespace loadscope
